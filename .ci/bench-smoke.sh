#!/usr/bin/env bash
# Keeps bench/ from rotting: generates the oapi-codegen and ogen peers from
# api/openapi.yaml (they are not committed; the generators are the versions
# bench/go.mod pins), vets them with the benchmarks, then runs every
# benchmark once at a small size and the pager's leak test, and the fleet
# goodput (f) at a small size against a real redis-server.
# Timings are not asserted here; bench/run.sh is the measured run.
set -euo pipefail
cd "$(dirname "$0")/../bench"
go generate .
go vet ./...
go test -count=1 -run . -bench . -skip '^BenchmarkFleet$' -benchtime 1x -iterate 1000 -changes 60 .

# --- fleet goodput (f) ---------------------------------------------------
# BenchmarkFleet, skipped above, small: 4 processes x 8 workers against a
# server limited to 600 requests a minute, 15 s a mode, Redis stopped
# (SIGSTOP) for 5 s in the middle of redis-stop. Figures are not asserted,
# outcomes are: every mode must report a row; the limiter shared in Redis
# must surface no error, with or without the outage (each process paces
# itself at its share of the budget while Redis is down); and it must apply
# at least half of what the server allows (a stalled limiter gets far less).
# Needs redis-server.
fleet_out=$(mktemp -d)
trap 'rm -rf "$fleet_out"' EXIT
OUT=$fleet_out MODES=default,redis,redis-stop DURATION=15s OUTAGE=5s bash fleet.sh
awk '
  /^BenchmarkFleet\/mode=/ {
    mode = $1; sub(/^BenchmarkFleet\/mode=/, "", mode); sub(/-[0-9]+$/, "", mode)
    delete m
    for (i = 3; i < NF; i += 2) m[$(i + 1)] = $i
    seen[mode] = 1
    if (!("changes" in m) || m["changes"] < 1) { print "fleet: " mode " applied no change"; bad = 1 }
    if (mode ~ /^redis/ && m["errors"] != 0) { print "fleet: " mode " surfaced " m["errors"] " errors"; bad = 1 }
    if (mode ~ /^redis/ && m["goodput-%"] < 50) { print "fleet: " mode " goodput " m["goodput-%"] "% of the limit"; bad = 1 }
  }
  END {
    split("default redis redis-stop", want, " ")
    for (i in want) if (!(want[i] in seen)) { print "fleet: no result for mode " want[i]; bad = 1 }
    exit bad
  }' "$fleet_out/fleet.txt"
# --- end of fleet goodput (f) --------------------------------------------
