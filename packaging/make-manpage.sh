#!/bin/sh
# rollgate(1) from the binary's own --help: help2man over `rollgate --help` and `--version`,
# with every command's --help in a COMMANDS section and packaging/rollgate.h2m (exit status,
# environment, files, examples). Run by the build (cmake/Package.cmake).
#
#   make-manpage.sh BUILD/rollgate PACKAGING_DIR OUT/rollgate.1.gz
set -eu
bin=$1 pkgdir=$2 out=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Run as plain `rollgate` (a symlink on the PATH), so usage lines name the command and not the
# build tree; rollgate-server is still found beside the real file.
mkdir "$work/bin"
ln -s "$bin" "$work/bin/rollgate"
PATH="$work/bin:$PATH"
NO_COLOR=1
# The page's date is the changelog's, so the same source gives the same page.
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(dpkg-parsechangelog -l "$pkgdir/changelog" -STimestamp)}
export PATH NO_COLOR SOURCE_DATE_EPOCH

# Help text as literal roff: backslashes escaped, and a line starting with . or ' kept as text.
roff_literal() { sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"; }

# The commands, as `rollgate --help` lists them (CLI11: the lines under "Subcommands:").
commands=$(rollgate --help | awk '/^Subcommands:/ {on = 1; next} on && /^  [a-z]/ {print $1} on && /^$/ {on = 0}')
[ -n "$commands" ] || { echo "make-manpage.sh: no commands in 'rollgate --help'" >&2; exit 1; }

{
  cat "$pkgdir/rollgate.h2m"
  printf '\n[COMMANDS]\n'
  for cmd in $commands; do
    printf '.SS "rollgate %s"\n.nf\n' "$cmd"
    rollgate "$cmd" --help | roff_literal
    printf '.fi\n'
  done
} >"$work/rollgate.h2m"

help2man --no-info --section=1 --include="$work/rollgate.h2m" --output="$work/rollgate.1" rollgate
mkdir -p "$(dirname "$out")"
gzip -9n <"$work/rollgate.1" >"$out.tmp"
mv "$out.tmp" "$out"
