#!/usr/bin/env bash
# Source this file to get the pinned npm tools of tools/package.json:
#   . .ci/npm-tools.sh; ensure_npm_tools
# It sets ROOT (the repository root), REDOCLY and PRISM (the binaries).
# ensure_npm_tools runs `npm ci --prefix tools` when tools/node_modules is
# missing or older than tools/package-lock.json.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REDOCLY="$ROOT/tools/node_modules/.bin/redocly"
PRISM="$ROOT/tools/node_modules/.bin/prism"
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true

ensure_npm_tools() {
	local stamp="$ROOT/tools/node_modules/.package-lock.json"
	if [[ ! -x "$REDOCLY" || ! -x "$PRISM" || ! -f "$stamp" || "$ROOT/tools/package-lock.json" -nt "$stamp" ]]; then
		echo "npm ci --prefix tools" >&2
		npm ci --prefix "$ROOT/tools" --no-audit --no-fund >&2
	fi
}

# free_port prints a TCP port that was free a moment ago.
free_port() {
	node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# prism_loads SPEC [PRISM_ARGS...] starts `prism mock` over SPEC on a free
# port, waits until it listens (at most 90 s), stops it and fails if it did
# not start or logged an error while loading.
prism_loads() {
	local spec="$1"
	shift
	local port log pid i
	port="$(free_port)"
	log="$(mktemp)"
	"$PRISM" mock -h 127.0.0.1 -p "$port" "$@" "$spec" >"$log" 2>&1 &
	pid=$!
	for ((i = 0; i < 180; i++)); do
		if grep -q 'Prism is listening' "$log"; then
			break
		fi
		if ! kill -0 "$pid" 2>/dev/null; then
			break
		fi
		sleep 0.5
	done
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	if ! grep -q 'Prism is listening' "$log" || grep -Eq '✖|[Ff]atal' "$log"; then
		echo "prism could not load $spec:" >&2
		grep -v ' info ' "$log" >&2
		rm -f "$log"
		return 1
	fi
	rm -f "$log"
	echo "prism loads $spec"
}
