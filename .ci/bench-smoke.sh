#!/usr/bin/env bash
# Keeps bench/ from rotting: generates the oapi-codegen and ogen peers from
# api/openapi.yaml (they are not committed; the generators are the versions
# bench/go.mod pins), vets them with the benchmarks, then runs every
# benchmark once at a small size and the pager's leak test.
# Timings are not asserted here; bench/run.sh is the measured run.
set -euo pipefail
cd "$(dirname "$0")/../bench"
go generate .
go vet ./...
go test -count=1 -run . -bench . -benchtime 1x -iterate 1000 -changes 60 .
