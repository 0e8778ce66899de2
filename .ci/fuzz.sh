#!/usr/bin/env bash
# Runs every fuzz target of the root package for a while each.
#
#   .ci/fuzz.sh            # 20s per target
#   .ci/fuzz.sh 2m         # 2 minutes per target
#   FUZZ_TARGETS="FuzzUsersPage FuzzAdminsPage" .ci/fuzz.sh 30s
#
# `go test -fuzz` takes one target per package per run, so the targets run
# one after the other. A failing input is written to testdata/fuzz/<target>/
# by the go tool; check it in with the fix, so it stays a regression test.
# The last line of each run ("elapsed: …, execs: …") is echoed as a summary.
#
# A run that fails with a bare "context deadline exceeded" and wrote no
# failing input hit a race in Go's fuzzing coordinator at the end of a
# -fuzztime duration (golang/go#75804, fixed in Go 1.27): it shows on a
# loaded machine, when the workers are starved as the time runs out. Such a
# target is run again for the number of executions the first run reached,
# a budget with no deadline to race. A real hang still fails that second
# run: the targets' watchdog panics on an input that runs over 10 seconds,
# and the go tool writes that input to testdata/fuzz/<target>/.
set -euo pipefail

cd "$(dirname "$0")/.."
duration="${1:-20s}"
targets="${FUZZ_TARGETS:-$(go test -list '^Fuzz' . | grep '^Fuzz' || true)}"
if [ -z "$targets" ]; then
	echo "fuzz.sh: no fuzz targets found" >&2
	exit 1
fi

failed=0
for target in $targets; do
	echo "=== $target ($duration)"
	log="$(mktemp)"
	if go test -run '^$' -fuzz "^${target}\$" -fuzztime "$duration" . >"$log" 2>&1; then
		grep -E '^fuzz: elapsed' "$log" | tail -n 1 || true
		echo "--- ok $target"
	elif grep -q '^    context deadline exceeded$' "$log" && ! grep -qi 'failing input' "$log" &&
		execs="$(grep -E '^fuzz: elapsed' "$log" | tail -n 1 | sed -nE 's/.*execs: ([0-9]+) .*/\1/p')" &&
		[ -n "$execs" ]; then
		execs=$((execs < 1000 ? 1000 : execs))
		grep -E '^fuzz: elapsed' "$log" | tail -n 1 || true
		echo "    the run ended in Go's fuzztime race (golang/go#75804); running it again for ${execs} executions"
		if go test -run '^$' -fuzz "^${target}\$" -fuzztime "${execs}x" . >"$log" 2>&1; then
			grep -E '^fuzz: elapsed' "$log" | tail -n 1 || true
			echo "--- ok $target"
		else
			cat "$log"
			echo "--- FAIL $target"
			failed=1
		fi
	else
		cat "$log"
		echo "--- FAIL $target"
		failed=1
	fi
	rm -f "$log"
done
exit "$failed"
