#!/usr/bin/env bash
# The package installed for real, as CI (root, a fresh Debian 12) does after `make package`:
# apt-get install ./rollgate_….deb resolves its Depends, `rollgate demo` runs from the PATH,
# the man page is where man finds it, `make install DESTDIR=… PREFIX=/usr` lays out the files
# dpkg lists, and the package removes cleanly. It changes the system: .ci/run runs it, not ctest.
#
#   tests/package/install_test.sh BUILD/rollgate_<version>_<arch>.deb
set -euo pipefail
deb=$(realpath -- "$1")
cd "$(dirname "$0")/../.."
fail() { echo "install_test: FAIL: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || fail "needs root (it installs the package)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq --no-install-recommends "$deb" >"$work/apt.log" 2>&1 || { cat "$work/apt.log"; fail "apt-get install"; }
[ "$(command -v rollgate)" = /usr/bin/rollgate ] || fail "rollgate is not /usr/bin/rollgate on the PATH"
(cd "$work" && NO_COLOR=1 timeout 120 rollgate demo) >"$work/demo.txt" 2>&1 || { cat "$work/demo.txt"; fail "rollgate demo"; }
grep -q "DECISION: PASS" "$work/demo.txt" || { cat "$work/demo.txt"; fail "the demo did not pass its first gate"; }
[ "$(man -w rollgate)" = /usr/share/man/man1/rollgate.1.gz ] || fail "man -w rollgate: $(man -w rollgate)"

make --no-print-directory install DESTDIR="$work/destdir" PREFIX=/usr >"$work/install.log" 2>&1 ||
  { cat "$work/install.log"; fail "make install"; }
(cd "$work/destdir" && find . ! -type d | sed 's|^\./|/|' | sort) >"$work/installed"
dpkg -L rollgate | while read -r p; do [ -d "$p" ] || echo "$p"; done | sort >"$work/packaged"
diff -u "$work/packaged" "$work/installed" || fail "make install and dpkg -L rollgate differ (above)"

apt-get purge -y -qq rollgate >"$work/purge.log" 2>&1 || { cat "$work/purge.log"; fail "apt-get purge"; }
[ ! -e /usr/bin/rollgate ] && [ ! -e /usr/lib/rollgate ] || fail "files left after purge"
echo "install_test: ok: $(basename "$deb") installs, runs the demo from the PATH, and purges"
