#!/usr/bin/env bash
# `make format-check`: every C++ file git tracks under src/ include/ tests/ fuzz/ bench/ and
# examples/ checked against the repository's .clang-format, without changing any of them.
# Lists the files that differ and exits 1 when there are any; `scripts/format_check.sh --fix`
# rewrites them in place instead. clang-format-14 is Debian 12's (scripts/bootstrap.sh --lint),
# the same LLVM as the fuzz build's clang-14: another version formats some constructs
# differently, so the check pins it.
set -euo pipefail
cd "$(dirname "$0")/.."

clang_format=${CLANG_FORMAT:-clang-format-14}
command -v "$clang_format" >/dev/null ||
  { echo "format-check: $clang_format not found; run scripts/bootstrap.sh --lint" >&2; exit 2; }

mapfile -t files < <(git ls-files -- 'src/*.cc' 'src/*.h' 'include/*.h' 'tests/*.cc' 'tests/*.h' \
  'fuzz/*.cc' 'bench/*.cc' 'examples/*.cc' 'examples/*.h')

if [ "${1:-}" = "--fix" ]; then
  "$clang_format" -i --style=file "${files[@]}"
  exit 0
fi

# One clang-format run over every file (one process a file is minutes on a busy machine): each
# difference is a "file:line:col: error:" line on stderr; the files are what we list.
mapfile -t failing < <("$clang_format" --style=file --dry-run -Werror "${files[@]}" 2>&1 |
  sed -n 's/^\([^ :]*\):[0-9]*:[0-9]*: error: .*/\1/p' | sort -u)
if [ ${#failing[@]} -gt 0 ]; then
  printf '%s\n' "${failing[@]}"
  echo "format-check: ${#failing[@]} of ${#files[@]} files differ from .clang-format;" \
       "scripts/format_check.sh --fix rewrites them" >&2
  exit 1
fi
echo "format-check: ${#files[@]} files match .clang-format"
