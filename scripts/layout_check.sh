#!/usr/bin/env bash
# `make layout-check`: the shape STYLE.md promises, checked in seconds (CI runs it first):
#  - src/cli/ is a client of the public API: its quoted includes are rollgate/... and cli/...
#    only (system and third-party headers come in <...>);
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

while read -r lines file; do
  [ "$file" = total ] && continue
  if [ "$lines" -gt 500 ]; then
    echo "layout-check: $file: $lines lines (at most 500: split it by concept)" >&2
    fail=1
  fi
done < <(git ls-files -- 'src/*.cc' 'src/*.h' 'include/*.h' 'tests/*.cc' 'tests/*.h' | xargs wc -l)

[ "$fail" -eq 0 ] && echo "layout-check: the CLI uses the public API only; no file over 500 lines"
exit "$fail"
