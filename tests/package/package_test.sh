#!/usr/bin/env bash
# The Debian package as a user gets it (docs/install.md), built by CPack from the build tree
# that is already there (no rebuild: CPack only runs the install rules), then checked: the file
# list, the control fields (Depends from dpkg-shlibdeps), the man page, the changelog and
# copyright, lintian, the extracted tree running `rollgate demo`, and `cmake --install` with
# DESTDIR (what `make install` runs) laying out the same tree. Registered with ctest (package).
#
#   tests/package/package_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "package_test: FAIL: $*" >&2; exit 1; }
step() { echo "package_test: $*"; }

for tool in cpack dpkg-deb dpkg-parsechangelog lintian man; do
  command -v "$tool" >/dev/null || fail "$tool is missing: scripts/bootstrap.sh --test installs it"
done

version=$(sed -n 's/^project(rollgate VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")
[ -n "$version" ] || fail "no version in CMakeLists.txt project()"
grep -q "kToolVersion\[\] = \"$version\"" "$src/include/rollgate/version.h" ||
  fail "include/rollgate/version.h does not say $version (CMakeLists.txt does)"
[ "$(dpkg-parsechangelog -l "$src/packaging/changelog" -SVersion)" = "$version" ] ||
  fail "packaging/changelog's latest entry is not $version: add an entry for it"

step "cpack -G DEB"
(cd "$work" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/out") >"$work/cpack.log" 2>&1 ||
  { cat "$work/cpack.log"; fail "cpack failed"; }
arch=$(dpkg --print-architecture)
deb="$work/out/rollgate_${version}_${arch}.deb"
[ -f "$deb" ] || { ls -l "$work/out"; fail "no $deb"; }

step "file list"
dpkg-deb -c "$deb" >"$work/contents"
# "./usr/bin/rollgate" -> "/usr/bin/rollgate"; directories end in "/".
awk '{print $6}' "$work/contents" | sed 's|^\./|/|' | sort >"$work/paths"
for f in /usr/bin/rollgate /usr/lib/rollgate/rollgate-server /usr/share/man/man1/rollgate.1.gz \
         /usr/share/doc/rollgate/copyright /usr/share/doc/rollgate/changelog.gz \
         /usr/share/doc/rollgate/README.md /usr/share/doc/rollgate/docs/install.md \
         /usr/share/doc/rollgate/docs/ci.md /usr/share/doc/rollgate/examples/demo/rollgate.yaml \
         /usr/share/doc/rollgate/examples/cometapi/rollgate.yaml \
         /usr/share/doc/rollgate/ci/gitlab/rollgate.gitlab-ci.yml; do
  grep -qx -- "$f" "$work/paths" || fail "$f is not in the package"
done
# The Node app ships as source (package.json, the lockfile), never the node_modules that
# bootstrap's `npm ci` put beside it (thousands of files; CPack took 15 minutes over them).
grep -q '^/usr/share/doc/rollgate/examples/node_app/package-lock.json$' "$work/paths" ||
  fail "examples/node_app/package-lock.json is not in the package"
if grep -m3 '/node_modules/' "$work/paths"; then fail "node_modules (above) are in the package"; fi
[ "$(wc -l <"$work/paths")" -lt 300 ] || fail "$(wc -l <"$work/paths") paths in the package: what got in?"
# Nothing else outside the package's own directories.
if grep -vE '^/$|^/usr/$|^/usr/(bin|lib|share|share/man|share/man/man1|share/doc)/$|^/usr/bin/rollgate$|^/usr/lib/rollgate/|^/usr/share/man/man1/rollgate\.1\.gz$|^/usr/share/doc/rollgate/' \
    "$work/paths"; then
  fail "the files above are outside the package's directories"
fi
[ "$(grep -cE '^-rwxr-xr-x root/root .* \./usr/(bin/rollgate|lib/rollgate/rollgate-server)$' "$work/contents")" = 2 ] ||
  fail "the binaries are not 0755 root/root: $(grep -E 'rollgate(-server)?$' "$work/contents")"
if grep -E '^d' "$work/contents" | grep -v '^drwxr-xr-x root/root'; then fail "directories above are not 0755 root/root"; fi

step "control fields"
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = rollgate ] || fail "Package: $(field Package)"
[ "$(field Version)" = "$version" ] || fail "Version: $(field Version)"
[ "$(field Architecture)" = "$arch" ] || fail "Architecture: $(field Architecture)"
depends=$(field Depends)
# From dpkg-shlibdeps: what the two binaries load (docs/install.md). libc6 at least 2.36: the
# binaries pack their relocations (DT_RELR), which older loaders cannot read.
names=$(sed -e 's/ ([^)]*)//g' -e 's/, /\n/g' <<<"$depends")
for lib in libc6 libcurl4 libnettle8 libcpp-httplib0.11 libstdc++6 libgcc-s1; do
  grep -qxF "$lib" <<<"$names" || fail "Depends has no $lib: $depends"
done
grep -qE '(^|, )libc6 \(>= 2\.(3[6-9]|[4-9][0-9])\)' <<<"$depends" || fail "Depends needs libc6 (>= 2.36): $depends"
for lib in libyaml-cpp libsqlite3 libtomlplusplus; do  # linked in, never loaded
  ! grep -q "$lib" <<<"$depends" || fail "Depends names $lib, which is linked in: $depends"
done
grep -qE '(^|, )libpq5($|,)' <<<"$(field Recommends)" || fail "Recommends has no libpq5 (loaded with dlopen for a PostgreSQL history)"
[ -n "$(field Maintainer)" ] && [ -n "$(field Description)" ] || fail "no Maintainer or Description"

step "man page"
dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/share/man/man1/rollgate.1.gz >"$work/rollgate.1.gz"
gzip -t "$work/rollgate.1.gz" || fail "rollgate.1.gz is not gzip"
zcat "$work/rollgate.1.gz" >"$work/rollgate.1"
LC_ALL=C.UTF-8 MANWIDTH=100 man --warnings -E UTF-8 -l "$work/rollgate.1" >"$work/man.txt" 2>"$work/man.err" ||
  fail "man cannot render rollgate(1): $(cat "$work/man.err")"
[ ! -s "$work/man.err" ] || fail "man warns about rollgate(1): $(cat "$work/man.err")"
grep -q "^\.TH ROLLGATE \"1\"" "$work/rollgate.1" || fail "rollgate(1) has no .TH ROLLGATE 1 line"
for text in NAME SYNOPSIS DESCRIPTION COMMANDS "EXIT STATUS" ENVIRONMENT "rollgate $version" \
            "rollgate gate" "rollgate check" "rollgate drill" "rollgate mock" "rollgate demo" "--dotenv" GITHUB_ACTIONS; do
  grep -qF -- "$text" "$work/man.txt" || fail "rollgate(1) does not mention '$text'"
done
! grep -qF "$build" "$work/rollgate.1" || fail "rollgate(1) names the build tree $build"

step "changelog and copyright"
dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/share/doc/rollgate/changelog.gz | gunzip >"$work/changelog"
cmp -s "$work/changelog" "$src/packaging/changelog" || fail "changelog.gz is not packaging/changelog"
dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/share/doc/rollgate/copyright >"$work/copyright"
head -1 "$work/copyright" | grep -qx 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' ||
  fail "copyright is not machine-readable (DEP-5)"

step "lintian"
# --fail-on error: any error fails. Warnings are listed and each must be one we accept, with
# the reason in tests/package/lintian-accepted.txt.
lintian --fail-on error --tag-display-limit 0 --display-info "$deb" >"$work/lintian.txt" 2>&1 ||
  { cat "$work/lintian.txt"; fail "lintian reports errors"; }
cat "$work/lintian.txt"
while read -r line; do
  case $line in W:*)
    tag=$(awk '{print $3}' <<<"$line")
    grep -qE "^$tag( |$)" "$src/tests/package/lintian-accepted.txt" ||
      fail "lintian warning not accepted (fix it, or say why in tests/package/lintian-accepted.txt): $line"
  esac
done <"$work/lintian.txt"

step "the extracted tree runs the demo"
dpkg-deb -x "$deb" "$work/root"
mkdir "$work/run"
[ "$("$work/root/usr/bin/rollgate" --version)" = "rollgate $version" ] || fail "rollgate --version"
# rollgate-server is found in ../lib/rollgate, not beside: the build tree is out of reach.
(cd "$work/run" && NO_COLOR=1 timeout 120 "$work/root/usr/bin/rollgate" demo) >"$work/demo.txt" 2>&1 ||
  { cat "$work/demo.txt"; fail "usr/bin/rollgate demo failed"; }
grep -q "DECISION: PASS" "$work/demo.txt" || { cat "$work/demo.txt"; fail "the demo did not pass its first gate"; }
[ -f "$work/run/rollgate-evidence/demo-pass/junit.xml" ] || fail "the demo wrote no evidence"

step "cmake --install with DESTDIR (make install) lays out the same tree"
DESTDIR="$work/destdir" cmake --install "$build" --prefix /usr --strip >"$work/install.log" 2>&1 ||
  { cat "$work/install.log"; fail "cmake --install failed"; }
(cd "$work/destdir" && find . ! -type d | sed 's|^\./|/|' | sort) >"$work/installed"
grep -v '/$' "$work/paths" >"$work/packaged"
diff -u "$work/packaged" "$work/installed" || fail "make install and the package differ (above)"
"$work/destdir/usr/bin/rollgate" mock --help >/dev/null || fail "the installed rollgate cannot reach rollgate-server"

step "ok: $(basename "$deb") ($(du -k "$deb" | cut -f1) KB)"
