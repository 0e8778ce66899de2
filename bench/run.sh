#!/usr/bin/env bash
# Runs every benchmark of docs/PERFORMANCE.md and compares the peers with
# benchstat. The results go to bench/results/ (or $OUT).
#
#   bench/run.sh                 # the documented run: about 60 minutes
#   COUNT=2 CHANGES=500 FLEET=0 bench/run.sh   # a quicker look
#
# FLEET=0 skips benchmark (f), the fleet, which fleet.sh runs once (about
# 14 minutes; it needs redis-server).
#
# Rounds interleave the peers: each round runs every benchmark once, so a
# change in the machine's speed during the run hits every peer alike.
set -euo pipefail
cd "$(dirname "$0")"
out=${OUT:-results}
count=${COUNT:-6}          # rounds; benchstat wants at least 6
changes=${CHANGES:-5000}   # changes per run of BenchmarkChanges: 100 s at 50/s
million=${MILLION:-1}      # 0 skips the walk of 1,000,000 users
fleet=${FLEET:-1}          # 0 skips the fleet (f)
benchstat="go run golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da"
mkdir -p "$out"
go generate .   # the generated peers are not committed (see doc.go)
rm -f "$out"/*.txt
go test -c -o "$out/bench.test" .
bt=$out/bench.test

machine() {
  echo "nproc: $(nproc)"
  grep -m1 'model name' /proc/cpuinfo || true
  go version
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
}
machine >"$out/machine.txt"

for round in $(seq "$count"); do
  echo "round $round of $count" >&2
  "$bt" -test.run '^$' -test.bench '^Benchmark(GetUser|CreateUser|ListPage)$' -test.benchtime 1s >>"$out/calls.txt"
  "$bt" -test.run '^$' -test.bench '^BenchmarkInMemory$' -test.benchtime 1s >>"$out/inmemory.txt"
  "$bt" -test.run '^$' -test.bench '^BenchmarkObserver$' -test.benchtime 1s >>"$out/observer.txt"
  "$bt" -test.run '^$' -test.bench '^BenchmarkIterate$' -test.benchtime 1x -iterate 10000,100000 >>"$out/iterate.txt"
  for mode in sleep nanosleep spin; do
    "$bt" -test.run '^$' -test.bench '^BenchmarkIterateWork$' -test.benchtime 5x -work "$mode" >>"$out/work-$mode.txt"
    "$bt" -test.run '^$' -test.bench '^BenchmarkWorkBesideFetch$' -test.benchtime 300x -work "$mode" >>"$out/control-$mode.txt"
  done
done
if [ "$million" = 1 ]; then
  "$bt" -test.run '^$' -test.bench '^BenchmarkIterate$' -test.benchtime 1x -iterate 1000000 -peers floor,ogen,sdk >>"$out/million.txt"
fi
for round in $(seq "$count"); do
  echo "changes: round $round of $count" >&2
  "$bt" -test.run '^$' -test.bench '^BenchmarkChanges$' -test.benchtime 1x -changes "$changes" >>"$out/changes.txt"
done
"$bt" -test.run 'TestBreakLeavesNothing' -test.v >"$out/break.txt"
if [ "$fleet" = 1 ]; then
  OUT="$out" ./fleet.sh >/dev/null
fi
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/machine.txt"

# Tables: every peer against the floor; the page also against ogen, the
# fastest peer there; the walks and the job per peer.
(cd "$out" && {
  echo "## calls: every peer against the floor"
  $benchstat -col /peer calls.txt
  echo
  echo "## the page: ogen against the SDK"
  $benchstat -filter '.name:ListPage /peer:(ogen OR sdk)' -col /peer calls.txt
  echo
  echo "## calls over an in-memory transport: every peer against the floor"
  $benchstat -col /peer inmemory.txt
  echo
  echo "## the page over an in-memory transport: ogen against the SDK"
  $benchstat -filter '/call:page /peer:(ogen OR sdk)' -col /peer inmemory.txt
  echo
  echo "## a call without and with an adminotel Observer"
  $benchstat -col /obs observer.txt
  echo
  echo "## walks"
  $benchstat -col /peer iterate.txt
  [ -s million.txt ] && $benchstat -col /peer million.txt
  echo
  for mode in sleep nanosleep spin; do
    echo "## 1 ms of work per page ($mode)"
    $benchstat -col /peer "work-$mode.txt"
    echo "## control: the same work beside one plain fetch ($mode)"
    $benchstat "control-$mode.txt"
    echo
  done
  echo
  echo "## the job against the rate limit"
  $benchstat -col /peer changes.txt
  if [ "$fleet" = 1 ]; then
    echo
    echo "## the fleet against one rate limit"
    cat fleet-table.md
  fi
}) >"$out/benchstat.txt" 2>&1
rm -f "$bt"
cat "$out/benchstat.txt"
