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
	else
		cat "$log"
		echo "--- FAIL $target"
		failed=1
	fi
	rm -f "$log"
done
exit "$failed"
