#!/usr/bin/env bash
# Coverage-guided fuzzing of h2lab with libFuzzer, on the stable toolchain:
#   scripts/fuzz.sh TARGET SECONDS [LIBFUZZER_OPTION...]   fuzz TARGET for SECONDS of wall time
#   scripts/fuzz.sh merge TARGET                           minimise the scratch finds of TARGET
#                                                          into its checked-in corpus
#   scripts/fuzz.sh list                                   the targets (see scripts/fuzz/targets.rs)
# The checked-in corpus scripts/fuzz/corpus/TARGET is read, never written: new inputs go to
# $FUZZ_SCRATCH/TARGET/corpus and crashes to $FUZZ_SCRATCH/TARGET/artifacts (FUZZ_SCRATCH defaults
# to /tmp/h2lab-fuzz). Exits 1 when the run found a crash, 2 on a bad command line.
set -euo pipefail
cd "$(dirname "$0")/fuzz"

targets=(frame_reader hpack_decoder connection connection_structured)
usage() {
  echo "usage: scripts/fuzz.sh TARGET SECONDS | scripts/fuzz.sh merge TARGET | scripts/fuzz.sh list" >&2
  exit 2
}
check_target() {
  for known in "${targets[@]}"; do
    [ "$1" = "$known" ] && return 0
  done
  echo "scripts/fuzz.sh: no target '$1'; the targets are: ${targets[*]}" >&2
  exit 2
}

[ $# -ge 1 ] || usage
case $1 in
  list)
    printf '%s\n' "${targets[@]}"
    exit 0
    ;;
  merge)
    [ $# -eq 2 ] || usage
    mode=merge
    target=$2
    check_target "$target"
    ;;
  *)
    [ $# -ge 2 ] || usage
    mode=fuzz
    target=$1
    seconds=$2
    check_target "$target"
    [[ $seconds =~ ^[0-9]+$ ]] || { echo "scripts/fuzz.sh: SECONDS must be a whole number, not '$seconds'" >&2; exit 2; }
    shift 2
    ;;
esac

# The instrumentation cargo-fuzz would ask for, spelled out for plain cargo. `--target` keeps these
# flags off the build scripts, which would not link with them. Debug assertions and overflow checks
# are on: an overflow on a peer's numbers is a finding.
export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Cdebug-assertions -Coverflow-checks"
triple=$(rustc -vV | sed -n 's/^host: //p')
cargo build --release --quiet --target "$triple" --bin "$target"
binary=target/$triple/release/$target

checked_in=corpus/$target
scratch=${FUZZ_SCRATCH:-/tmp/h2lab-fuzz}/$target
mkdir -p "$checked_in" "$scratch/corpus" "$scratch/artifacts"

# -set_cover_merge keeps a smallest set of inputs that covers every feature of the union; inputs are
# cut to 1 KiB, which keeps the checked-in corpus small and loses little coverage.
if [ $mode = merge ]; then
  merged=$(mktemp -d)
  "$binary" -set_cover_merge=1 -max_len=1024 "$merged" "$checked_in" "$scratch/corpus" 2>"$scratch/merge.log" ||
    { tail -n 20 "$scratch/merge.log" >&2; exit 1; }
  rm -f "$checked_in"/*
  cp "$merged"/* "$checked_in"/
  rm -r "$merged"
  echo "$target: $(ls "$checked_in" | wc -l) inputs, $(cat "$checked_in"/* | wc -c) octets in scripts/fuzz/$checked_in"
  exit 0
fi

# The first corpus folder receives new inputs: the scratch one. -timeout finds hangs, -rss_limit_mb
# unbounded memory; the options after SECONDS are passed on.
log=$scratch/fuzz.log
status=0
TIMEFORMAT="%U %S"
{ time "$binary" "$scratch/corpus" "$checked_in" \
  -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
  -artifact_prefix="$scratch/artifacts/" -print_final_stats=1 "$@" >"$log" 2>&1; } \
  2>"$scratch/cpu" || status=$?
read -r user sys <"$scratch/cpu"
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
echo "$target: ${execs:-?} runs, ${user}s user + ${sys}s sys CPU (at most ${seconds}s wall);" \
  "corpus $(ls "$scratch/corpus" | wc -l) new inputs in $scratch/corpus"
# libFuzzer exits 72 when interrupted (Ctrl-C, SIGINT): a shorter run, not a finding.
if [ "$status" -eq 72 ]; then
  echo "$target: interrupted"
  exit 0
fi
if [ "$status" -ne 0 ]; then
  grep -E '^(==[0-9]+== ERROR|thread .* panicked|.*panicked at)' "$log" | head -n 5 >&2 || true
  grep -A3 'panicked at' "$log" | head -n 8 >&2 || true
  echo "$target: FOUND a failure (exit $status); input and log: $scratch/artifacts/, $log" >&2
  ls -t "$scratch/artifacts" | head -n 3 | sed "s|^|  $scratch/artifacts/|" >&2
  exit 1
fi
