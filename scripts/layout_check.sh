#!/usr/bin/env bash
# `make layout-check`: the shape STYLE.md promises, checked in seconds (CI runs it first):
#  - src/cli/ is a client of the public API: its quoted includes are rollgate/... and cli/...
#    only (system and third-party headers come in <...>);
#  - JSON has one adapter: only src/config/, src/contract/ and src/evidence/ (and the mock,
#    src/mock/) include <nlohmann/...>; everything else goes through them;
#  - no C++ file under src/, include/ or tests/ is over 500 lines.
# Exits 1 listing each breach.
set -euo pipefail
cd "$(dirname "$0")/.."

fail=0
while IFS= read -r hit; do
  echo "layout-check: $hit: src/cli/ includes only rollgate/... and cli/... headers" >&2
  fail=1
done < <(git ls-files -- 'src/cli/*.cc' 'src/cli/*.h' |
  xargs grep -nE '^#include "' | grep -vE '#include "(rollgate|cli)/' || true)

# JSON's adapters, and their headers that bring nlohmann types along (contract/json_util.h):
# a file elsewhere may include neither.
json_dirs='^src/(config|contract|evidence|mock)/'
json_headers=$(git ls-files -- 'src/*.h' | grep -E "$json_dirs" |
  xargs grep -lE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]nlohmann/' |
  sed 's|^src/||' | paste -sd'|' || true)
while IFS= read -r hit; do
  echo "layout-check: $hit: only src/config/, src/contract/, src/evidence/ and src/mock/" \
    "include <nlohmann/...> or a header of theirs that does (one JSON adapter: parse through" \
    "contract/, write through evidence/)" >&2
  fail=1
done < <(git ls-files -- 'src/*.cc' 'src/*.h' 'include/*.h' | grep -vE "$json_dirs" |
  xargs grep -nHE "^[[:space:]]*#[[:space:]]*include[[:space:]]*([<\"]nlohmann/|\"(${json_headers:-^})\")" ||
  true)

while read -r lines file; do
  [ "$file" = total ] && continue
  if [ "$lines" -gt 500 ]; then
    echo "layout-check: $file: $lines lines (at most 500: split it by concept)" >&2
    fail=1
  fi
done < <(git ls-files -- 'src/*.cc' 'src/*.h' 'include/*.h' 'tests/*.cc' 'tests/*.h' | xargs wc -l)

[ "$fail" -eq 0 ] &&
  echo "layout-check: the CLI uses the public API only; JSON stays in config/, contract/," \
    "evidence/ and mock/; no file over 500 lines"
exit "$fail"
