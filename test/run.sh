#!/usr/bin/env bash
# Runs the test suites: `unit` (pure logic, next to the code), `integration` (real Docker engine,
# real agent processes, under test/integration), `faults` (the fault and abuse suite under
# test/faults: crashes, outages, partitions, fuzzing), or all three. Node 20's runner does not
# expand globs, so the files are listed here.
set -euo pipefail
cd "$(dirname "$0")/.."
which="${1:-all}"
files=()
if [[ $which == unit || $which == all ]]; then
  mapfile -t -O "${#files[@]}" files < <(find agent hub hostpaths cli proto bench -name '*.test.ts' | sort)
fi
if [[ $which == integration || $which == all ]]; then
  mapfile -t -O "${#files[@]}" files < <(find test/integration -name '*.test.ts' | sort)
fi
if [[ $which == faults || $which == all ]]; then
  mapfile -t -O "${#files[@]}" files < <(find test/faults -name '*.test.ts' | sort)
fi
if [[ ${#files[@]} -eq 0 ]]; then
  echo "no test files found for '$which'" >&2
  exit 1
fi
exec node --import tsx --test --test-concurrency=1 "${files[@]}"
