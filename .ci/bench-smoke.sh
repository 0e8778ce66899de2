#!/usr/bin/env bash
# Keeps bench/ from rotting: runs every benchmark once at a small size and
# the pager's leak test, then regenerates the generated peers from
# api/openapi.yaml and fails if they differ from the committed code.
# Timings are not asserted here; bench/run.sh is the measured run.
#   BENCH_GENCHECK=0 skips the regeneration (it builds two generators).
set -euo pipefail
cd "$(dirname "$0")/../bench"
go test -count=1 -run . -bench . -benchtime 1x -iterate 1000 -changes 60 .
if [ "${BENCH_GENCHECK:-1}" != 0 ]; then
  go generate .
  if ! git diff --exit-code --stat -- gen/ || [ -n "$(git ls-files --others --exclude-standard -- gen/)" ]; then
    echo "bench/gen is stale: run 'go generate' in bench/ and commit the result"
    exit 1
  fi
fi
