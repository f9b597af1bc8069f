#!/usr/bin/env bash
# Installs the Debian packages rollgate needs to build and test, and nothing when they are all
# there already (one dpkg-query, well under a second). Root runs apt-get directly; anyone else
# goes through sudo. Quiet unless it has to install something.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libcurl4-openssl-dev libssl-dev nlohmann-json3-dev libyaml-cpp-dev libcli11-dev
  libcpp-httplib-dev libtomlplusplus-dev libsqlite3-dev libgtest-dev libgmock-dev nettle-dev
  libpq-dev
)
# The Debian package (`make package`, `make install`): CPack's DEB generator runs file and
# dpkg-shlibdeps (dpkg-dev), the man page comes from help2man, lintian checks the result.
package_tools=(dpkg-dev file help2man lintian)
if [ "${1:-}" = "--test" ] || [ "${ROLLGATE_BOOTSTRAP_TEST:-}" = 1 ]; then
  # Real components the integration tests start on loopback (postgresql-15: a throw-away
  # server per PostgreSQL history test, tests/store/pg_fixture.h); xmllint validates
  # junit.xml; the package test (tests/package) builds and checks the .deb.
  packages+=(nginx-light prometheus curl openssl zlib1g-dev postgresql-15 libxml2-utils "${package_tools[@]}")
fi
if [ "${1:-}" = "--package" ]; then
  packages+=("${package_tools[@]}")
fi
if [ "${1:-}" = "--fuzz" ]; then
  packages+=(clang-14 libclang-rt-14-dev)
fi
if [ "${1:-}" = "--lint" ]; then
  # `make format-check` and `make tidy`: the LLVM 14 of the fuzz build's clang-14.
  packages+=(clang-format-14 clang-tidy-14)
fi
if [ "${1:-}" = "--bench" ]; then
  packages+=(libbenchmark-dev wrk hyperfine curl jq)
fi

# The official-SDK compatibility test (tests/sdk) and the Node sample app (examples/node_app)
# run where node is installed; their npm dependencies come from the npm registry, pinned by
# each directory's package-lock.json.
install_sdk_test() {
  [ "${1:-}" = "--test" ] || [ "${ROLLGATE_BOOTSTRAP_TEST:-}" = 1 ] || return 0
  command -v npm >/dev/null || return 0
  local root; root="$(cd "$(dirname "$0")/.." && pwd)"
  local dir
  for dir in "$root/tests/sdk" "$root/examples/node_app"; do
    [ -d "$dir/node_modules/openai" ] && continue
    echo "bootstrap: npm ci in ${dir#"$root"/} (the official OpenAI Node SDK)" >&2
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) ||
      echo "bootstrap: warning: npm ci failed in ${dir#"$root"/}; its tests will be skipped" >&2
  done
}

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$status" = "installed" ] || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  install_sdk_test "${1:-}"
  exit 0
fi

echo "bootstrap: installing ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "bootstrap: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
install_sdk_test "${1:-}"
