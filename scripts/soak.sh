#!/usr/bin/env bash
# Soak: h2lab under mixed traffic for MINUTES, watched once a second. Not part of CI.
#
#   bash scripts/soak.sh MINUTES
#
# All at once, for the whole time, on loopback only:
#   - h2load over TLS and over h2c: small files, many streams per connection;
#   - h2load uploads (1 MiB POSTs to /_h2lab/echo) over both;
#   - connection churn: h2load runs of 50 short connections, one after another;
#   - scripts/soak-clients.py: idle TLS clients, silent sockets, tricklers, clients that keep a
#     stalled stream busy with PINGs, and the attacks the server's limits answer (floods, Rapid
#     Reset, provoked resets, responses held behind a zero window), each reconnecting whenever the
#     server closes it.
# Each second it samples the server's RSS, threads and open descriptors (into soak.csv in the work
# folder, kept and named at the end). It ends with one verdict line: PASS when no request of a
# well-behaved client (h2load) failed and RSS, threads and descriptors are flat after warm-up
# (the last third's peak within 10% + a small margin of the second third's), else FAIL.
set -euo pipefail
cd "$(dirname "$0")/.."

minutes=${1:-}
[[ "$minutes" =~ ^[0-9]+$ && "$minutes" -ge 1 ]] || { echo "usage: soak.sh MINUTES" >&2; exit 2; }
seconds=$((minutes * 60))
for tool in h2load python3; do
  command -v "$tool" >/dev/null || { echo "soak.sh: $tool is needed (scripts/install-test-deps.sh)" >&2; exit 2; }
done

cargo build --release --quiet
work=$(mktemp -d /tmp/h2lab-soak.XXXXXX)
pids=()
server=""
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT

root="$work/root"
mkdir -p "$root"
small_urls=()
for i in $(seq 1 8); do
  head -c $((i * 1024)) /dev/urandom > "$root/small-$i.bin"
  small_urls+=("/small-$i.bin")
done
head -c $((1024 * 1024)) /dev/urandom > "$work/upload.bin"

ulimit -n "$(ulimit -Hn)"
RUST_LOG=h2lab=warn ./target/release/h2lab --listen 127.0.0.1:0 \
  --idle-timeout 20 --first-request-timeout 10 "$root" 2> "$work/h2lab.log" &
server=$!
port=""
for _ in $(seq 1 100); do
  port=$(sed -n 's|^h2lab: serving .* on https://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$work/h2lab.log")
  [ -n "$port" ] && break
  sleep 0.05
done
[ -n "$port" ] || { echo "soak.sh: h2lab did not start:" >&2; cat "$work/h2lab.log" >&2; exit 1; }
echo "soak.sh: h2lab (pid $server) on port $port for $minutes min; work folder $work"

urls() { local base=$1; for u in "${small_urls[@]}"; do printf '%s%s\n' "$base" "$u"; done; }
https="https://127.0.0.1:$port"
http="http://127.0.0.1:$port"

h2load -D "$seconds" -c 8 -m 8 $(urls "$https") > "$work/h2load-tls.txt" 2>&1 & pids+=($!)
h2load -D "$seconds" -c 8 -m 8 $(urls "$http") > "$work/h2load-h2c.txt" 2>&1 & pids+=($!)
h2load -D "$seconds" -c 2 -m 1 -d "$work/upload.bin" "$https/_h2lab/echo" \
  > "$work/h2load-upload-tls.txt" 2>&1 & pids+=($!)
h2load -D "$seconds" -c 2 -m 1 -d "$work/upload.bin" "$http/_h2lab/echo" \
  > "$work/h2load-upload-h2c.txt" 2>&1 & pids+=($!)
(
  end=$((SECONDS + seconds))
  n=0
  while [ $SECONDS -lt $end ]; do
    h2load -c 50 -n 200 -m 1 $(urls "$https") > "$work/h2load-churn-$n.txt" 2>&1 || true
    n=$((n + 1))
  done
) & pids+=($!)
python3 scripts/soak-clients.py --port "$port" --seconds "$seconds" \
  --idle 200 --silent 300 --trickle 20 --pinger 20 --flood 8 > "$work/abusive.txt" 2>&1 & pids+=($!)

echo "second,rss_kib,threads,fds" > "$work/soak.csv"
for second in $(seq 1 "$seconds"); do
  sleep 1
  kill -0 "$server" 2>/dev/null || { echo "soak.sh: h2lab died" >&2; break; }
  rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$server/status")
  threads=$(awk '/^Threads:/ {print $2}' "/proc/$server/status")
  fds=$(ls "/proc/$server/fd" | wc -l)
  echo "$second,$rss,$threads,$fds" >> "$work/soak.csv"
  if [ $((second % 60)) -eq 0 ]; then
    echo "soak.sh: ${second}s: RSS ${rss} KiB, ${threads} threads, ${fds} descriptors"
  fi
done
wait "${pids[@]}" 2>/dev/null || true
pids=()
cat "$work/abusive.txt"

python3 - "$work" <<'EOF'
import csv, glob, re, sys
work = sys.argv[1]
rows = [r for r in csv.DictReader(open(f"{work}/soak.csv"))]
failed = done = 0
for path in glob.glob(f"{work}/h2load-*.txt"):
    text = open(path).read()
    m = re.search(r"requests: \d+ total, \d+ started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored", text)
    if not m:
        print(f"soak: {path}: no h2load summary")
        failed += 1
        continue
    done += int(m.group(2))
    failed += int(m.group(3)) + int(m.group(4))
third = max(len(rows) // 3, 1)
def peak(part, key): return max(int(r[key]) for r in part) if part else 0
verdicts = []
flat = True
for key, label, slack in (("rss_kib", "RSS KiB", 2048), ("threads", "threads", 50), ("fds", "descriptors", 100)):
    warm, last = peak(rows[third:2 * third], key), peak(rows[2 * third:], key)
    ok = last <= warm * 1.1 + slack
    flat &= ok
    verdicts.append(f"{label} {peak(rows[:third], key)}/{warm}/{last}{'' if ok else ' (growing)'}")
ok = flat and failed == 0 and done > 0
print(f"soak: {'PASS' if ok else 'FAIL'} — {len(rows)} s; h2load {done} requests succeeded, "
      f"{failed} failed; peaks by thirds: " + ", ".join(verdicts))
sys.exit(0 if ok else 1)
EOF
