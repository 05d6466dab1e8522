#!/usr/bin/env bash
# Installs what the test suite drives besides cargo: the nghttp2 clients (nghttp, h2load), the
# nghttp2 server nghttpd (the lessons run against it too), curl, openssl, and Python's `h2` and
# `hpack` packages. Does nothing for what is already there.
set -euo pipefail

missing=()
for tool in curl:curl nghttp:nghttp2-client h2load:nghttp2-client nghttpd:nghttp2-server openssl:openssl pkg-config:pkg-config chromium:chromium; do
  # nghttpd is a daemon: Debian puts it in /usr/sbin, which a user's PATH may lack.
  PATH="$PATH:/usr/sbin" command -v "${tool%%:*}" >/dev/null 2>&1 || missing+=("${tool##*:}")
done
dpkg -s libssl-dev >/dev/null 2>&1 || missing+=(libssl-dev)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    $(printf '%s\n' "${missing[@]}" | sort -u)
fi

if ! python3 -c 'import h2, hpack' >/dev/null 2>&1; then
  # A Debian-managed Python refuses plain `pip install` (PEP 668); this is a throwaway test machine.
  python3 -m pip install --quiet h2 hpack ||
    python3 -m pip install --quiet --break-system-packages h2 hpack
fi
