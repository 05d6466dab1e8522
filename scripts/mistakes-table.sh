#!/usr/bin/env bash
# Measures what real clients report for each of h2lab's mistakes on demand (/_h2lab/mistakes/NAME),
# over TLS, and prints the README's Markdown table: the fault, the rule it breaks, and what curl,
# nghttp, Python h2 (tests/h2_mistakes.py) and headless Chromium say.
#
# Usage: bash scripts/mistakes-table.sh
#
# Builds h2lab (release) and starts it on a free port. Chromium is Debian's `chromium` package
# (apt-get install chromium); as root it needs --no-sandbox, which is passed. A client that is not
# installed gets "not installed" in its column. Takes about a minute. Not run by the tests: what the
# clients say is pinned there (tests/mistakes.rs), this re-measures it for the README.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --quiet --bin h2lab
work=$(mktemp -d)
mkdir "$work/root"
./target/release/h2lab --listen 127.0.0.1:0 "$work/root" 2>"$work/server.log" &
server=$!
trap 'kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do
  grep -q "serving" "$work/server.log" && break
  sleep 0.1
done
port=$(sed -n 's|.* on https://127.0.0.1:\([0-9]*\)/.*|\1|p' "$work/server.log" | head -n 1)
[ -n "$port" ] || { echo "h2lab did not start:" >&2; cat "$work/server.log" >&2; exit 1; }
base="https://localhost:$port/_h2lab/mistakes"

have() { command -v "$1" >/dev/null 2>&1; }

# curl: its exit status and one-line complaint, or how much it received.
curl_says() {
  local out status=0
  out=$(curl -sS --http2 -k --max-time 10 -o /dev/null -w '%{size_download}' "$1" \
    2>"$work/curl.err" </dev/null) || status=$?
  if [ "$status" -eq 0 ]; then
    echo "no error (exit 0), $out octets"
  else
    echo "($status) $(sed 's/^curl: ([0-9]*) //' "$work/curl.err" | head -n 1)"
  fi
}

# nghttp -v: the field or rule it refuses, and the RST_STREAM or GOAWAY it sends; or a timeout.
nghttp_says() {
  nghttp -v --timeout=5 "$1" >"$work/nghttp.out" 2>&1 </dev/null || true
  python3 - "$work/nghttp.out" <<'EOF'
import re, sys
lines = open(sys.argv[1], errors="replace").read().splitlines()
said = []
for i, line in enumerate(lines):
    if m := re.search(r"\[ERROR\] (Invalid HTTP header field) was received: .*(name: \[[^]]*\])", line):
        said.append(f"{m.group(1)} {m.group(2)}")
    elif "[ERROR] Timeout" in line:
        said.append("Timeout (waits for the stream's end)")
    elif m := re.search(r"\[INVALID; error=([^]]*)\]", line):
        if not said:
            said.append(m.group(1))
    if m := re.search(r"send (RST_STREAM|GOAWAY) frame", line):
        codes = lines[i + 1] if i + 1 < len(lines) else ""
        code = re.search(r"error_code=([A-Z_]+)", codes)
        data = re.search(r"opaque_data\(\d+\)=\[([^]]+)\]", codes)
        if code and code.group(1) != "NO_ERROR":
            said.append(f"sends {m.group(1)} {code.group(1)}" + (f' "{data.group(1)}"' if data else ""))
print("; ".join(said) or "no error, response received")
EOF
}

# Python h2: the error it raises, or how the exchange ended.
python_says() {
  python3 tests/h2_mistakes.py tls "$port" certs/ca.pem "/_h2lab/mistakes/$1" </dev/null |
    python3 -c '
import json, sys
seen = json.load(sys.stdin)
if seen["outcome"] == "refused":
    print(seen["error"])
elif seen["outcome"] == "timeout":
    print("waits: no END_STREAM after 3 s")
elif seen["outcome"] == "complete":
    print("no error, %d octets" % seen["body_length"])
else:
    print(seen["outcome"], seen.get("code", ""))
'
}

# Headless Chromium: the net error it fails the page with (from its stderr, or from its net log
# when the error came after the response's HEADERS, which may leave a blank page instead of an
# error page, depending on timing), or whether the page shows or hangs.
chromium_says() {
  local profile failure
  profile=$(mktemp -d)
  timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --ignore-certificate-errors --timeout=8000 \
    --log-net-log="$work/netlog.json" --dump-dom "$1" \
    >"$work/dom" 2>"$work/chromium.err" </dev/null || true
  rm -rf "$profile"
  failure=$(python3 - "$work/netlog.json" <<'EOF'
import json, sys
log = json.load(open(sys.argv[1]))
types = {number: name for name, number in log["constants"]["logEventTypes"].items()}
errors = {number: name for name, number in log["constants"].get("netError", {}).items()}
for event in log["events"]:
    kind, params = types.get(event["type"]), event.get("params", {})
    code = params.get("net_error")
    if kind == "HTTP2_STREAM_ERROR" or (kind == "HTTP2_SESSION_CLOSE" and code not in (0, -3)):
        print(code if isinstance(code, str) else errors.get(code, str(code)))
        break
EOF
)
  if grep -q "Page load failed" "$work/chromium.err"; then
    grep -o 'net::ERR_[A-Z0-9_]*' "$work/chromium.err" | head -n 1 | sed 's/^net:://'
  elif [ -n "$failure" ]; then
    echo "$failure"
  elif grep -q "h2lab sent this response" "$work/dom" || [ "$(wc -c <"$work/dom")" -gt 1000 ]; then
    echo "shows the page"
  else
    echo "page hangs (empty after 8 s)"
  fi
}

echo "| fault | rule broken | curl | nghttp | Python h2 | Chromium |"
echo "|---|---|---|---|---|---|"
# The index page lists each fault with its rule: <a href="…/NAME">NAME</a>: summary (RULE)</li>
curl -sS --http2 -k "$base/" | sed -n 's|.*<a href="[^"]*">\([^<]*\)</a>: .*(\([^()]*\))</li>|\1 \2|p' |
while read -r name rule; do
  url="$base/$name"
  curl_cell=$(have curl && curl_says "$url" || echo "not installed")
  nghttp_cell=$(have nghttp && nghttp_says "$url" || echo "not installed")
  python_cell=$(python3 -c "import h2" 2>/dev/null && python_says "$name" || echo "not installed")
  chromium_cell=$(have chromium && chromium_says "$url" || echo "not installed")
  echo "| \`$name\` | $rule | $curl_cell | $nghttp_cell | $python_cell | $chromium_cell |"
done
