#!/usr/bin/env bash
# Runs the whole test suite: installs the clients the tests drive (see install-test-deps.sh), then
# every unit, integration and process test of the crate.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-test-deps.sh
cargo test --release
# Then a short bounded run of each fuzz target from its checked-in corpus (scripts/fuzz.sh), new
# inputs and crashes kept in a scratch folder of this run.
FUZZ_SCRATCH=$(mktemp -d)
export FUZZ_SCRATCH
for target in $(bash scripts/fuzz.sh list); do
  bash scripts/fuzz.sh "$target" 15
done
rm -rf "$FUZZ_SCRATCH"
