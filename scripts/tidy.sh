#!/usr/bin/env bash
# clang-tidy-14 with the repository's .clang-tidy over every source under src/, using the
# compile database of an already configured and built tree (generated headers included).
# Exits non-zero on any finding (WarningsAsErrors: '*'), and prints the findings, one block
# per file, without the progress lines.
#
#   scripts/tidy.sh [BUILD_DIR] [JOBS] [FILES]   (make tidy: build/, nproc jobs, all of src/)
#
# FILES is a regex over the sources' absolute paths (run-clang-tidy's), e.g. src/mock/.
#
# CI (.ci/run) runs it last, on the plain build's compile commands.
set -uo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
jobs=${2:-2}
files=${3:-$(pwd)/src/}
if [ ! -f "$build/compile_commands.json" ]; then
  echo "tidy: $build/compile_commands.json is missing: configure and build first (make build)" >&2
  exit 2
fi
# A unity configuration lists its batches, not the sources: each file must be checked alone.
if grep -q '/Unity/unity_' "$build/compile_commands.json"; then
  echo "tidy: $build is a unity build (CMAKE_UNITY_BUILD): its compile commands name batches," \
    "not sources; use a per-file configuration (cmake -S . -B build-tidy is enough, unbuilt)" >&2
  exit 2
fi
log=$build/tidy.log
start=$(date +%s)
run-clang-tidy-14 -p "$build" -quiet -j "$jobs" -extra-arg=-Wno-unknown-warning-option \
  "$files" 2>&1 | sed 's/\x1b\[[0-9;]*m//g' >"$log"
rc=${PIPESTATUS[0]}
# run-clang-tidy prints each clang-tidy command line (with --use-color, always: the sed above
# strips the colours) and "N warnings generated." per file; the findings are the
# "file:line:col: error:" blocks.
findings=$(grep -cE '^/[^ ]+:[0-9]+:[0-9]+: (error|warning):' "$log" || true)
if [ "$rc" -ne 0 ] || [ "$findings" -ne 0 ]; then
  grep -vE '^(clang-tidy-14 |Running clang-tidy|[0-9]+ warnings? (and [0-9]+ errors? )?generated|Suppressed [0-9]+ warnings|Use -header-filter|Error while processing)' \
    "$log" >&2
  echo "tidy: $findings finding(s) (exit $rc) in $(($(date +%s) - start)) s; full log $log." >&2
  echo "tidy: fix them, or NOLINT(check): reason on the line where the check is wrong" >&2
  exit 1
fi
checked=$(grep -c '^clang-tidy-14 ' "$log" || true)
# Over all of src/, every source git tracks there must have been checked: a compile database
# that lost some (a unity build, a target left out) must not pass as clean.
if [ $# -lt 3 ]; then
  want=$(git ls-files -- 'src/*.cc' | wc -l)
  if [ "$checked" -ne "$want" ]; then
    echo "tidy: checked $checked files but src/ has $want .cc files; is $build configured" \
      "from this tree, per file?" >&2
    exit 2
  fi
fi
echo "tidy: no findings, $checked files in $(($(date +%s) - start)) s"
