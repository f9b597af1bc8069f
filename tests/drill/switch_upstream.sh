#!/bin/sh
# switch_upstream.sh UPSTREAM_FILE ADDR NGINX_PREFIX NGINX_CONF
#
# The route switch of the nginx drill (tests/drill/nginx_drill_test.cc, examples/drill/): points
# nginx's `app` upstream at ADDR (host:port) by rewriting UPSTREAM_FILE, then asks the running
# nginx to reload (`nginx -p NGINX_PREFIX -c NGINX_CONF -s reload`). rollgate runs it as a
# `drill.switch` command, without a shell.
#
# The reload is asynchronous: nginx starts new workers after this script returns, which is why
# the drill waits for the user-facing path to report the expected version (`drill.settle`).
# When nginx refuses the new file (a bad address), the previous file is put back, nginx's own
# message is on stderr and the exit code is 1: the route did not move.
#
# NGINX_BIN names the nginx binary (default: `nginx` in PATH, else /usr/sbin/nginx).
set -u
# nginx reads $NGINX as the listening sockets inherited in a binary upgrade; never pass one on.
unset NGINX

if [ "$#" -ne 4 ]; then
  echo "usage: switch_upstream.sh UPSTREAM_FILE ADDR NGINX_PREFIX NGINX_CONF" >&2
  exit 2
fi
file=$1
addr=$2
prefix=$3
conf=$4
nginx=${NGINX_BIN:-$(command -v nginx || echo /usr/sbin/nginx)}

previous="$file.previous"
if [ -e "$file" ]; then
  cp "$file" "$previous" || exit 1
fi
# Written next to the target and renamed: nginx never reads a half-written file.
printf 'upstream app {\n    server %s;\n}\n' "$addr" >"$file.new" && mv "$file.new" "$file" || exit 1

if ! "$nginx" -p "$prefix" -c "$conf" -s reload; then
  if [ -e "$previous" ]; then mv "$previous" "$file"; else rm -f "$file"; fi
  echo "switch_upstream.sh: nginx refused the reload; $file restored, the route did not move" >&2
  exit 1
fi
rm -f "$previous"
