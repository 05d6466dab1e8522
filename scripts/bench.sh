#!/usr/bin/env bash
# Measures h2lab beside h2o 2.2 (the reference) and nghttpd on six scenarios; the help below says
# what each one does and how to read the table.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/bench.sh [SCENARIO...]    (default: s1 s2 s3a s3b s4 s5)

Runs h2load against h2lab and, when they are installed, h2o and nghttpd: over TLS on 127.0.0.1,
one RSA-2048 certificate (made with openssl for this run) and the same files for all of them,
each server started afresh for each measurement, in interleaved rounds (h2lab, h2o, nghttpd,
h2lab, h2o, ...). Prints the machine's facts and one Markdown table of the medians of the rounds.

Scenarios                                           rate          per unit
  s1   the 13-octet file, -c 8 -m 32, for 5 s        req/s         µs of server CPU per request
  s2   the 13-octet file, -c 16 -m 1, for 5 s        req/s         µs per request
  s3a  one 64 MiB file, -c 1, 16 times               MB/s          µs per MB
  s3b  16 files of 1 MiB, -c 4 -m 4, 1024 in all     MB/s          µs per MB
  s4   500 new TLS connections at once, one request  conn/s and    µs per connection served
       each (-c 500 -n 500)                          failed count
  s5   N idle connections that finished the HTTP/2   how many the  KiB of server RSS per
       opening (TLS; for h2lab also h2c), and a      server held   connection held;
       fresh curl request (TLS; h2c for h2lab)                     the curl's time in ms
       while the N TLS ones are held

Server CPU is user+system time from /proc/PID/stat (every thread, and h2o's helper processes),
read before and after each h2load run; RSS is VmRSS from /proc/PID/status. MB = 10^6 octets.
The last column is h2lab's figure per unit divided by h2o's: below 1, h2lab spends less.

Environment:
  ROUNDS=N            rounds, each server once per round and scenario [default: 3]
  IDLE_CONNS=N        connections s5 opens and holds [default: 1000]
  H2LAB_ARGS="..."    extra flags for h2lab, e.g. H2LAB_ARGS="--max-connections 20000"

The servers:
  h2lab    target/release/h2lab, built first with cargo build --release, as shipped: its access
           log at the default level (to a file), --max-connections 256 (s4's 500 and s5's N go
           past it: the failed and held counts show it), --idle-timeout 60; then H2LAB_ARGS.
  h2o      num-threads: 2, an access log (to a file), TLS and HTTP/2 settings at their defaults;
           http2-idle-timeout and max-connections raised so that it keeps s5's N connections.
           Missing? apt-get install h2o (Debian bookworm has 2.2.5).
  nghttpd  its defaults (one worker thread). Missing? apt-get install nghttp2-server.
The clients (h2load, curl, python3) are what scripts/install-test-deps.sh installs.
Every h2load run has a timeout, every server is killed when the script ends.

Examples:
  scripts/bench.sh                      all six, three rounds (a few minutes)
  ROUNDS=1 scripts/bench.sh s1 s4       a quick look
  IDLE_CONNS=10000 H2LAB_ARGS="--max-connections 10100 --idle-timeout 600" scripts/bench.sh s5
EOF
}

fail() {
  echo "bench.sh: $*" >&2
  exit 2
}

scenarios=()
for arg in "$@"; do
  case "$arg" in
    -h | --help) usage && exit 0 ;;
    s1 | s2 | s3a | s3b | s4 | s5) scenarios+=("$arg") ;;
    *) fail "unknown scenario $arg (see --help)" ;;
  esac
done
[ ${#scenarios[@]} -gt 0 ] || scenarios=(s1 s2 s3a s3b s4 s5)

rounds=${ROUNDS:-3}
idle_conns=${IDLE_CONNS:-1000}
[[ $rounds =~ ^[1-9][0-9]*$ ]] || fail "ROUNDS=$rounds: a positive whole number, please"
[[ $idle_conns =~ ^[1-9][0-9]*$ ]] || fail "IDLE_CONNS=$idle_conns: a positive whole number, please"
read -r -a h2lab_args <<<"${H2LAB_ARGS:-}"

cd "$(dirname "$0")/.."
for tool in h2load curl openssl python3 cargo; do
  command -v "$tool" >/dev/null || fail "$tool is needed (scripts/install-test-deps.sh)"
done
servers=(h2lab)
if command -v h2o >/dev/null; then
  servers+=(h2o)
else
  echo "bench.sh: h2o (the reference) is not installed; carrying on without it." >&2
  echo "  To get it: apt-get install h2o   (Debian bookworm has h2o 2.2.5)" >&2
fi
if command -v nghttpd >/dev/null; then
  servers+=(nghttpd)
else
  echo "bench.sh: nghttpd is not installed; carrying on without it." >&2
  echo "  To get it: apt-get install nghttp2-server" >&2
fi

# s5 holds N connections: the server and the client each need a descriptor per connection.
wanted_fds=$((idle_conns + 1024))
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$wanted_fds" ]; then
  hard=$(ulimit -Hn)
  if [ "$hard" = unlimited ] || [ "$hard" -ge "$wanted_fds" ]; then
    ulimit -n "$wanted_fds"
  else
    ulimit -n "$hard"
    echo "bench.sh: only $hard file descriptors allowed; s5 may hold fewer than $idle_conns" >&2
  fi
fi

cargo build --release --quiet
load_at_start=$(cut -d ' ' -f 1-3 /proc/loadavg)

work=$(mktemp -d)
# The server that runs now (its name, process id and port), and the idle.py that runs now.
server="" pid="" port="" idle_pid=""
cleanup() {
  [ -z "$pid" ] || kill "$pid" 2>/dev/null || true
  [ -z "$idle_pid" ] || kill "$idle_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The files and the certificate every server gets.
root="$work/root"
mkdir -p "$root"
printf 'hello, world\n' >"$root/hello.txt" # 13 octets
head -c $((64 * 1024 * 1024)) /dev/urandom >"$root/big.bin"
mib_urls=()
for i in $(seq 1 16); do
  head -c $((1024 * 1024)) /dev/urandom >"$root/mib-$i.bin"
  mib_urls+=("/mib-$i.bin")
done
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" \
  -days 365 -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" 2>/dev/null
# One line per measurement, as scripts/bench/table.py reads them.
results="$work/results"
: >"$results"

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_server NAME: starts it afresh and waits until it serves the 13-octet file.
start_server() {
  server=$1
  local log="$work/$server.log"
  # Emptied here, as the redirection below happens in the background, maybe after a read.
  : >"$log"
  case "$server" in
    h2lab)
      ./target/release/h2lab --listen 127.0.0.1:0 --cert "$work/cert.pem" --key "$work/key.pem" \
        "${h2lab_args[@]}" "$root" 2>"$log" &
      pid=$!
      port=""
      for _ in $(seq 1 100); do
        port=$(sed -n 's|^h2lab: serving .* on https://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$log")
        [ -n "$port" ] && break
        sleep 0.05
      done
      ;;
    h2o)
      port=$(free_port)
      rm -f "$work/h2o-access.log"
      # Started as root, h2o would serve as nobody, who cannot read $work. A self-signed
      # certificate has no OCSP responder to ask.
      local user=""
      [ "$(id -u)" -ne 0 ] || user="user: root"
      cat >"$work/h2o.conf" <<EOF
listen:
  host: 127.0.0.1
  port: $port
  ssl:
    certificate-file: $work/cert.pem
    key-file: $work/key.pem
    ocsp-update-interval: 0
num-threads: 2
$user
error-log: $work/h2o-error.log
access-log: $work/h2o-access.log
http2-idle-timeout: 3600
max-connections: $wanted_fds
hosts:
  default:
    paths:
      /:
        file.dir: $root
EOF
      h2o -c "$work/h2o.conf" >"$log" 2>&1 &
      pid=$!
      ;;
    nghttpd)
      port=$(free_port)
      nghttpd --address=127.0.0.1 --htdocs="$root" "$port" "$work/key.pem" "$work/cert.pem" \
        >"$log" 2>&1 &
      pid=$!
      ;;
  esac
  for _ in $(seq 1 100); do
    if [ -n "$port" ] && [ "$(curl -sk --http2 -o /dev/null --max-time 2 -w '%{http_code}' \
      "https://127.0.0.1:$port/hello.txt")" = 200 ]; then
      return
    fi
    sleep 0.1
  done
  echo "bench.sh: $server did not start:" >&2
  tail -n 20 "$log" >&2
  exit 1
}

stop_server() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  pid=""
}

# pids_of PID: the process and all below it (h2o runs helper processes).
pids_of() {
  local child
  echo "$1"
  for child in $(ps -o pid= --ppid "$1"); do pids_of "$child"; done
}

# cpu_ticks: the server's user+system CPU time so far, in clock ticks: utime and stime, fields
# 14 and 15 of /proc/PID/stat (proc(5)), which count every thread of the process, ended ones too.
cpu_ticks() {
  local p stat fields ticks=0
  for p in $(pids_of "$pid"); do
    stat=$(cat "/proc/$p/stat" 2>/dev/null) || continue
    read -r -a fields <<<"${stat##*) }" # the fields after "PID (NAME) ": fields[0] is field 3
    ticks=$((ticks + fields[11] + fields[12]))
  done
  echo "$ticks"
}

# rss_kib: the server's resident memory now.
rss_kib() {
  local p kib total=0
  for p in $(pids_of "$pid"); do
    kib=$(awk '/^VmRSS:/ { print $2 }' "/proc/$p/status" 2>/dev/null) || continue
    total=$((total + ${kib:-0}))
  done
  echo "$total"
}

# load SCENARIO ROUND BODY_OCTETS H2LOAD_ARGS...: one h2load run against the server that runs
# (an argument that starts with / is a path on it); appends its record to the results.
load() {
  local scenario=$1 round=$2 octets=$3 arg
  shift 3
  local args=()
  for arg in "$@"; do
    case "$arg" in
      /*) args+=("https://127.0.0.1:$port$arg") ;;
      *) args+=("$arg") ;;
    esac
  done
  local before after out
  before=$(cpu_ticks)
  out=$(timeout 120 h2load "${args[@]}" 2>&1) || true
  sleep 0.2 # the server closes its side of the connections
  after=$(cpu_ticks)
  if ! grep -q '^finished in' <<<"$out"; then
    echo "bench.sh: h2load gave no result against $server (120 s at most):" >&2
    tail -n 5 <<<"$out" >&2
    echo "$scenario $server $round error=no-result" >>"$results"
    return
  fi
  # "finished in 5.00s, ..." (or ms, us) and "requests: ..., N succeeded, M failed, ...".
  awk -v scenario="$scenario" -v server="$server" -v round="$round" -v octets="$octets" \
    -v ticks=$((after - before)) -v hz="$(getconf CLK_TCK)" '
    /^finished in/ {
      seconds = $3
      if (seconds ~ /ms,$/) seconds /= 1e3
      else if (seconds ~ /us,$/) seconds /= 1e6
      else seconds += 0
    }
    /^requests:/ {
      for (i = 2; i < NF; i++) {
        if ($(i + 1) ~ /^succeeded/) ok = $i
        if ($(i + 1) ~ /^failed/) failed = $i
      }
    }
    END {
      printf "%s %s %s ok=%d failed=%d seconds=%s cpu=%.3f bytes=%d\n",
        scenario, server, round, ok, failed, seconds, ticks / hz, octets
    }' <<<"$out" >>"$results"
  # What TLS h2load and this server agreed on, for the facts above the table.
  [ -s "$work/tls-$server" ] ||
    sed -n 's/^TLS Protocol: //p; s/^Cipher: //p' <<<"$out" | paste -sd ' ' >"$work/tls-$server"
}

# curl_seconds CURL_ARGS...: the time of one fresh request, or "fail".
curl_seconds() {
  local code seconds
  read -r code seconds < <(curl -s -o /dev/null --max-time 10 \
    -w '%{http_code} %{time_total}\n' "$@" || true)
  if [ "${code:-}" = 200 ]; then echo "$seconds"; else echo fail; fi
}

# idle SCENARIO ROUND [--h2c]: holds N idle connections to the server (scripts/bench/idle.py),
# reads its RSS before and while they are held and, for s5, times fresh curl requests meanwhile;
# appends the record.
idle() {
  local scenario=$1 round=$2 flags=("${@:3}")
  local rss0 rss1 held="" tls=- h2c=-
  sleep 0.3 # the connection of start_server's request is gone
  rss0=$(rss_kib)
  python3 scripts/bench/idle.py "$port" "$idle_conns" "${flags[@]}" >"$work/idle.out" 2>&1 &
  idle_pid=$!
  local give_up=$((SECONDS + 60 + idle_conns / 20))
  while [ -z "$held" ] && [ "$SECONDS" -lt "$give_up" ] && kill -0 "$idle_pid" 2>/dev/null; do
    sleep 0.2
    held=$(sed -n 's/^held \([0-9]*\) of .*/\1/p' "$work/idle.out")
  done
  if [ -n "$held" ]; then
    rss1=$(rss_kib)
    if [ "$scenario" = s5 ]; then
      tls=$(curl_seconds -k --http2 "https://127.0.0.1:$port/hello.txt")
      if [ "$server" = h2lab ]; then
        h2c=$(curl_seconds --http2-prior-knowledge "http://127.0.0.1:$port/hello.txt")
      fi
    fi
  fi
  kill "$idle_pid" 2>/dev/null || true
  wait "$idle_pid" 2>/dev/null || true
  idle_pid=""
  if [ -z "$held" ]; then
    echo "bench.sh: idle.py did not finish opening its connections to $server:" >&2
    tail -n 5 "$work/idle.out" >&2
    echo "$scenario $server $round n=$idle_conns error=no-answer" >>"$results"
    return
  fi
  echo "$scenario $server $round n=$idle_conns held=$held rss0=$rss0 rss1=$rss1" \
    "curl_tls=$tls curl_h2c=$h2c" >>"$results"
}

# measure SCENARIO ROUND: one measurement of the scenario on the server that runs.
measure() {
  local round=$2
  case "$1" in
    s1) load s1 "$round" 13 -D 5 -c 8 -m 32 /hello.txt ;;
    s2) load s2 "$round" 13 -D 5 -c 16 -m 1 /hello.txt ;;
    s3a) load s3a "$round" $((64 * 1024 * 1024)) -n 16 -c 1 -m 1 /big.bin ;;
    s3b) load s3b "$round" $((1024 * 1024)) -n 1024 -c 4 -m 4 "${mib_urls[@]}" ;;
    s4) load s4 "$round" 13 -n 500 -c 500 -m 1 /hello.txt ;;
    s5) idle s5 "$round" ;;
  esac
}

for scenario in "${scenarios[@]}"; do
  for round in $(seq 1 "$rounds"); do
    for name in "${servers[@]}"; do
      echo "bench.sh: $scenario, round $round of $rounds, $name" >&2
      start_server "$name"
      measure "$scenario" "$round"
      stop_server
      if [ "$scenario" = s5 ] && [ "$name" = h2lab ]; then
        start_server h2lab
        idle s5h2c "$round" --h2c
        stop_server
      fi
    done
  done
done

first_line() { "$@" 2>&1 | head -n 1; }
commit=$(git rev-parse --short HEAD 2>/dev/null || echo 'not a git checkout')
versions="$(first_line ./target/release/h2lab --version) ($commit)"
[ -z "${H2LAB_ARGS:-}" ] || versions+=" with $H2LAB_ARGS"
for name in "${servers[@]:1}"; do
  case "$name" in
    h2o) versions+="; $(first_line h2o --version) (num-threads: 2)" ;;
    nghttpd) versions+="; $(first_line nghttpd --version) (one worker)" ;;
  esac
done
tls=""
for name in "${servers[@]}"; do
  [ ! -s "$work/tls-$name" ] || tls+="${tls:+; }$name $(cat "$work/tls-$name")"
done
cpu=$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)
curl_version=$(first_line curl --version | cut -d ' ' -f 1-2)
python_version=$(python3 -c 'import platform; print(platform.python_version())')

echo "## h2lab benchmark"
echo
echo "- machine: $(nproc) cores ($cpu), Linux $(uname -r);" \
  "load average $load_at_start at the start, $(cut -d ' ' -f 1-3 /proc/loadavg) at the end"
echo "- servers: $versions"
echo "- clients: $(first_line h2load --version), $curl_version, Python $python_version"
[ -z "$tls" ] || echo "- TLS as h2load agreed it, RSA-2048 certificate: $tls"
echo "- the median of $rounds round(s); per unit: µs of server CPU (user+system) per request," \
  "MB or connection served; for S5, KiB of server RSS per idle connection held"
echo
python3 scripts/bench/table.py "$results" "${servers[@]}"
