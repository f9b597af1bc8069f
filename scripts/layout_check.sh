#!/usr/bin/env bash
# `make layout-check`: the shape STYLE.md promises, checked in seconds (CI runs it first):
#  - src/cli/ is a client of the public API: its quoted includes are rollgate/... and cli/...
#    only (system and third-party headers come in <...>);
#  - one adapter per third-party library: each library's headers, and the adapter's own headers
#    that include them (they bring the library's types along: contract/json_util.h), are included
#    only where the table below says (STYLE.md's map; docs/layout.md says where the tree departs
#    from it and why);
#  - no C++ file under src/, include/ or tests/ is over 500 lines.
# Exits 1 listing each breach.
set -euo pipefail
cd "$(dirname "$0")/.."

fail=0
while IFS= read -r hit; do
  echo "layout-check: $hit: src/cli/ includes only rollgate/... and cli/... headers" >&2
  fail=1
done < <(git ls-files -- 'src/cli/*.cc' 'src/cli/*.h' |
  xargs grep -nHE '^#include "' | grep -vE '#include "(rollgate|cli)/' || true)

# LIBRARY;HEADER-REGEX;WHERE-REGEX (paths under src/ and include/ that may include it);WHERE
adapters=(
  'libcurl;curl/;^src/(probe/|config/base_url\.cc$);src/probe/ and src/config/base_url.cc'
  'nlohmann-json;nlohmann/;^src/(config|contract|evidence)/;src/config/, src/contract/ and src/evidence/'
  'yaml-cpp;yaml-cpp/;^src/config/;src/config/'
  'toml++;toml\+\+/;^src/config/;src/config/'
  'CLI11;CLI/;^src/cli/;src/cli/'
  'cpp-httplib;httplib\.h;^src/http_server/;src/http_server/'
  'SQLite;sqlite3\.h;^src/store/sqlite_db\.cc$;src/store/sqlite_db.cc'
  'libpq;libpq-fe\.h;^src/store/pg_db\.cc$;src/store/pg_db.cc'
  'nettle;nettle/;^src/base/secret\.cc$;src/base/secret.cc'
)
sources=$(git ls-files -- 'src/*.cc' 'src/*.h' 'include/*.h')
for row in "${adapters[@]}"; do
  IFS=';' read -r lib header where shown <<<"$row"
  # The adapter's headers that include the library, as other files would include them.
  carriers=$(grep -lE "^#include <($header)" $(grep -E '\.h$' <<<"$sources" | grep -E "$where") \
    2>/dev/null | sed 's|^src/||; s|[.+]|\\&|g' | paste -sd'|' || true)
  while IFS=: read -r file line _; do
    if ! [[ $file =~ $where ]]; then
      echo "layout-check: $file:$line: includes $lib (or an adapter header that does), which only" \
        "$shown may include (one adapter per library, docs/layout.md)" >&2
      fail=1
    fi
  done < <(xargs grep -nHE "^#include (<($header)|\"(${carriers:-^$})\")" <<<"$sources" || true)
done

while read -r lines file; do
  [ "$file" = total ] && continue
  if [ "$lines" -gt 500 ]; then
    echo "layout-check: $file: $lines lines (at most 500: split it by concept)" >&2
    fail=1
  fi
done < <(git ls-files -- 'src/*.cc' 'src/*.h' 'include/*.h' 'tests/*.cc' 'tests/*.h' | xargs wc -l)

[ "$fail" -eq 0 ] &&
  echo "layout-check: the CLI uses the public API only; each library has its one adapter; no file over 500 lines"
exit "$fail"
