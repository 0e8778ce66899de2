#!/usr/bin/env bash
# Runs benchmark (f) of docs/PERFORMANCE.md, fleet goodput: PROCS worker
# processes of WORKERS goroutines against one server limited to LIMIT
# requests a minute, DURATION per mode, Redis down for OUTAGE mid-run in
# the outage modes. Writes fleet.txt (go test -bench output), fleet-machine.txt
# and fleet-table.md to bench/results/ (or $OUT). Needs redis-server.
#
#   bench/fleet.sh                                   # the documented run: about 12 minutes
#   DURATION=15s OUTAGE=5s MODES=default,redis bench/fleet.sh   # CI's smoke
set -euo pipefail
cd "$(dirname "$0")"
out=${OUT:-results}
modes=${MODES:-default,redis,retryablehttp,redis-stop,redis-kill}
procs=${PROCS:-4}
workers=${WORKERS:-8}
limit=${LIMIT:-600}
duration=${DURATION:-2m}
outage=${OUTAGE:-20s}
mkdir -p "$out"
{
  echo "nproc: $(nproc)"
  grep -m1 'model name' /proc/cpuinfo || true
  go version
  redis-server --version
  echo "fleet: $procs processes x $workers workers, limit $limit/min, $duration a mode, outage $outage"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$out/fleet-machine.txt"
go test -count=1 -run '^$' -bench '^BenchmarkFleet$' -benchtime 1x -timeout 60m \
  -fleet-modes "$modes" -fleet-procs "$procs" -fleet-workers "$workers" -fleet-limit "$limit" \
  -fleet-duration "$duration" -fleet-outage "$outage" . | tee "$out/fleet.txt"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/fleet-machine.txt"

# One row per mode, from the benchmark lines' metrics.
awk '
  /^BenchmarkFleet\/mode=/ {
    mode = $1; sub(/^BenchmarkFleet\/mode=/, "", mode); sub(/-[0-9]+$/, "", mode)
    delete m
    for (i = 3; i < NF; i += 2) m[$(i + 1)] = $i
    og = ("outage-goodput-%" in m) ? sprintf("%.1f %%", m["outage-goodput-%"]) : "–"
    printf "| %s | %d | %.1f %% | %.2f %% | %d | %.0f ms | %s |\n", mode, m["changes"], m["goodput-%"], m["429s-%"], m["errors"], m["p99-ms"], og
  }
  BEGIN {
    print "| mode | changes | goodput (of L) | 429s (of requests) | errors surfaced | p99 call latency | goodput while Redis was down |"
    print "| --- | --- | --- | --- | --- | --- | --- |"
  }' "$out/fleet.txt" >"$out/fleet-table.md"
cat "$out/fleet-table.md"
