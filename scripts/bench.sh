#!/usr/bin/env bash
# Measures h2lab with h2load, over TLS on loopback, and — when nghttpd is installed — nghttpd (the
# nghttp2 reference server) on the same files with the same certificate, side by side:
#   small    many small files, many streams per connection (-c 10 -m 32)
#   large    the 64 MiB file, a few at a time (-c 2 -m 1)
#   conns    many short connections, one stream at a time (-c 200 -m 1, 10 requests each)
# Prints requests/s and MB/s for each, and h2lab's share of nghttpd's figures (ratio).
# Bounded: every h2load run is limited to 120 s. Everything listens on 127.0.0.1 only.
# h2lab logs at warn during the runs (an access line per request would measure the terminal).
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in h2load python3; do
  command -v "$tool" >/dev/null || { echo "bench.sh: $tool is needed (scripts/install-test-deps.sh)" >&2; exit 2; }
done

cargo build --release --quiet
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

root="$work/root"
mkdir -p "$root"
small_urls=()
for i in $(seq 1 16); do
  head -c $((i * 512)) /dev/urandom > "$root/small-$i.bin"
  small_urls+=("/small-$i.bin")
done
head -c $((64 * 1024 * 1024)) /dev/urandom > "$root/big.bin"

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# h2lab: --listen 127.0.0.1:0, the bound port read from its start line.
RUST_LOG=h2lab=warn ./target/release/h2lab --listen 127.0.0.1:0 --max-connections 512 "$root" \
  2> "$work/h2lab.log" &
pids+=($!)
h2lab_port=""
for _ in $(seq 1 100); do
  h2lab_port=$(sed -n 's|^h2lab: serving .* on https://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$work/h2lab.log")
  [ -n "$h2lab_port" ] && break
  sleep 0.05
done
[ -n "$h2lab_port" ] || { echo "bench.sh: h2lab did not start:" >&2; cat "$work/h2lab.log" >&2; exit 1; }

nghttpd_port=""
if command -v nghttpd >/dev/null; then
  nghttpd_port=$(free_port)
  nghttpd --address=127.0.0.1 -d "$root" "$nghttpd_port" certs/localhost.key certs/localhost.pem \
    > "$work/nghttpd.log" 2>&1 &
  pids+=($!)
  sleep 0.5
else
  echo "nghttpd is not installed: h2lab alone (apt-get install nghttp2-server)" >&2
fi

# run_h2load PORT ARGS... -> prints "REQ_PER_S MB_PER_S FAILED"
run_h2load() {
  local port=$1
  shift
  local args=() url
  for url in "$@"; do
    case "$url" in
      /*) args+=("https://127.0.0.1:$port$url") ;;
      *) args+=("$url") ;;
    esac
  done
  local out
  out=$(timeout 120 h2load "${args[@]}" 2>&1) || true
  local finished requests
  finished=$(grep '^finished in' <<<"$out" || true)
  requests=$(grep '^requests:' <<<"$out" || true)
  if [ -z "$finished" ]; then
    echo "- - timeout"
    return
  fi
  awk -v f="$finished" -v r="$requests" 'BEGIN {
    split(f, a, ", "); rps = a[2]; sub(/ req\/s/, "", rps); rate = a[3];
    mb = rate; sub(/[KMG]?B\/s/, "", mb);
    if (rate ~ /GB\/s/) mb *= 1024; else if (rate ~ /KB\/s/) mb /= 1024; else if (rate ~ /[0-9]B\/s/ && rate !~ /MB/) mb /= 1048576;
    n = split(r, b, ", "); failed = b[5]; sub(/ failed/, "", failed);
    printf "%.1f %.1f %s\n", rps, mb, failed }'
}

declare -A plan=(
  [small]="-n 20000 -c 10 -m 32 ${small_urls[*]}"
  [large]="-n 16 -c 2 -m 1 /big.bin"
  [conns]="-n 2000 -c 200 -m 1 /small-1.bin"
)

printf '%-7s %14s %10s %8s   %14s %10s %8s   %7s %7s\n' \
  test "h2lab req/s" "MB/s" failed "nghttpd req/s" "MB/s" failed "req/s" "MB/s"
for name in small large conns; do
  # shellcheck disable=SC2086
  read -r a_rps a_mb a_failed < <(run_h2load "$h2lab_port" ${plan[$name]})
  b_rps="-" b_mb="-" b_failed="-" r_rps="-" r_mb="-"
  if [ -n "$nghttpd_port" ]; then
    # shellcheck disable=SC2086
    read -r b_rps b_mb b_failed < <(run_h2load "$nghttpd_port" ${plan[$name]})
    read -r r_rps r_mb < <(awk -v a="$a_rps" -v b="$b_rps" -v c="$a_mb" -v d="$b_mb" \
      'BEGIN { printf "%s %s\n", (b > 0 ? sprintf("%.2f", a / b) : "-"), (d > 0 ? sprintf("%.2f", c / d) : "-") }')
  fi
  printf '%-7s %14s %10s %8s   %14s %10s %8s   %7s %7s\n' \
    "$name" "$a_rps" "$a_mb" "$a_failed" "$b_rps" "$b_mb" "$b_failed" "$r_rps" "$r_mb"
done
echo "ratio = h2lab / nghttpd; loopback, TLS 1.2, $(nproc) cores; nghttpd runs one worker thread"
