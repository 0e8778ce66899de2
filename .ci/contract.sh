#!/usr/bin/env bash
# Contract checks against an independent server: the pinned Prism
# (tools/package.json). Three modes, each a run of
#   go test -count=1 -run '^TestContractPrism' -v .
# with ADMIN_CONTRACT_* naming the server (see contract_prism_test.go):
#   mock   prism mock --errors over api/openapi.yaml: every SDK method once;
#          Prism rejects a request that breaks the document
#   proxy  prism proxy --errors over api/openapi.yaml in front of
#          cmd/admin-mock: the SDK's flows, every request and response checked
#   kong   prism mock --errors over Kong Enterprise's admins spec: every
#          Admins request, authenticated with Kong-Admin-Token
# Each must pass with no Prism violation; the script prints one summary line
# per mode and exits non-zero if any failed.
#
# The Kong spec is $ROOT/../shared/conformance/kong-admins-3.14.yaml
# (shared/ beside the repository), or KONG_ADMINS_SPEC. Without it the kong
# mode is skipped with a note, except under CI (CI=true), where that fails.
#
# Servers listen on 127.0.0.1, ports CONTRACT_PORT_BASE (default 4710) to
# +3: mock, proxy, kong, admin-mock. They are fixed, below the ephemeral
# range httptest draws from, apart from Prism's default 4010/4011 of
# .ci/prism.sh, and must be free. Logs go to .ci/tmp/contract/; their tails
# are printed on failure. Everything started is stopped on exit.
# Needs Go, Node.js, npm and curl; installs the npm tools if needed.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/npm-tools.sh"
cd "$ROOT"
ensure_npm_tools

base=${CONTRACT_PORT_BASE:-4710}
mock_port=$base proxy_port=$((base + 1)) kong_port=$((base + 2)) am_port=$((base + 3))
host=127.0.0.1
logs=$ROOT/.ci/tmp/contract
ready_timeout=${CONTRACT_READY_TIMEOUT:-120} # seconds for every server to answer
rm -rf "$logs"
mkdir -p "$logs"

kong_spec=${KONG_ADMINS_SPEC:-$ROOT/../shared/conformance/kong-admins-3.14.yaml}
run_kong=true
if [[ ! -f $kong_spec ]]; then
	if [[ ${CI:-} == true ]]; then
		echo "contract: the Kong spec is missing at $kong_spec; CI checks out shared/ beside the repository (or set KONG_ADMINS_SPEC)" >&2
		exit 1
	fi
	echo "NOTE: no Kong spec at $kong_spec (set KONG_ADMINS_SPEC); the kong mode is skipped" >&2
	run_kong=false
fi

pids=()
cleanup() {
	local pid
	for pid in "${pids[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${pids[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

show_logs() {
	local f
	for f in "$logs"/*.log; do
		[[ -f $f ]] || continue
		echo "----- last 40 lines of ${f#"$ROOT"/}"
		tail -n 40 "$f"
	done >&2
}

fail() {
	echo "contract: $*" >&2
	show_logs
	exit 1
}

# in_use PORT succeeds if something accepts connections on PORT.
in_use() { (exec 3<>"/dev/tcp/$host/$1") 2>/dev/null; }

# start NAME COMMAND... runs COMMAND in the background, logging to NAME.log.
start() {
	local name=$1
	shift
	"$@" >"$logs/$name.log" 2>&1 &
	pids+=("$!")
	eval "${name//-/_}_pid=$!"
}

# wait_ready NAME PID URL [CURL ARGS...] polls URL with curl until it
# answers (any HTTP status), the process exits, or ready_timeout passes.
# The probes are valid requests, so the servers' logs stay free of errors.
wait_ready() {
	local name=$1 pid=$2 url=$3
	shift 3
	local deadline=$((SECONDS + ready_timeout))
	until curl -s -o /dev/null -m 2 "$@" "$url"; do
		kill -0 "$pid" 2>/dev/null || fail "$name exited before it was ready"
		((SECONDS < deadline)) || fail "$name did not answer $url within ${ready_timeout}s"
		sleep 0.5
	done
	echo "$name ready at $url"
}

for port in "$mock_port" "$proxy_port" "$kong_port" "$am_port"; do
	in_use "$port" && fail "port $port on $host is in use; free it or set CONTRACT_PORT_BASE"
done

echo "== build admin-mock"
go build -o .ci/tmp/admin-mock ./cmd/admin-mock

key="sk_test_contract_$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
echo "== start Prism and admin-mock (logs in ${logs#"$ROOT"/})"
start admin-mock .ci/tmp/admin-mock -addr "$host:$am_port" -admin-key "$key" -users 12 -groups 4 -projects 4
HOST=$host PORT=$mock_port start prism-mock bash .ci/prism.sh mock
HOST=$host PORT=$proxy_port start prism-proxy bash .ci/prism.sh proxy "http://$host:$am_port"
if $run_kong; then
	HOST=$host PORT=$kong_port KONG_ADMINS_SPEC=$kong_spec start prism-kong bash .ci/prism.sh kong-mock
fi

auth=(-H "Authorization: Bearer $key")
wait_ready admin-mock "$admin_mock_pid" "http://$host:$am_port/v1/roles" "${auth[@]}"
wait_ready prism-mock "$prism_mock_pid" "http://$host:$mock_port/v1/roles" -H "Authorization: Bearer sk_test_example"
wait_ready prism-proxy "$prism_proxy_pid" "http://$host:$proxy_port/v1/roles" "${auth[@]}"
if $run_kong; then
	wait_ready prism-kong "$prism_kong_pid" "http://$host:$kong_port/admins" -H "Kong-Admin-Token: kong-token-example"
fi
password=$(sed -n 's/.*admin key:.*password \([^)]*\)).*/\1/p' "$logs/admin-mock.log")
[[ -n $password ]] || fail "admin-mock did not print the admin's password"

# run_mode MODE URL KEY runs the contract tests of MODE and prints its line.
failed=()
run_mode() {
	local mode=$1 url=$2 key=$3 test status summary
	test="TestContractPrism${mode^}"
	echo "== $mode: go test -run '^TestContractPrism' against $url"
	if ADMIN_CONTRACT_MODE=$mode ADMIN_CONTRACT_URL=$url ADMIN_CONTRACT_KEY=$key ADMIN_CONTRACT_PASSWORD=$password \
		go test -count=1 -timeout 5m -run '^TestContractPrism' -v . >"$logs/go-$mode.log" 2>&1 &&
		grep -q -- "^--- PASS: $test " "$logs/go-$mode.log"; then
		status=PASS
	else
		status=FAIL
		failed+=("$mode")
		grep -v -e '^=== ' -e '^--- SKIP' -e 'is "[a-z]*", not "' "$logs/go-$mode.log" | tail -n 120 >&2
	fi
	summary=$(sed -n 's/.*contract summary: //p' "$logs/go-$mode.log" | paste -sd ';' -)
	summaries+=("$(printf 'contract %-5s %s  %s' "$mode" "$status" "${summary:-no summary}")")
}
summaries=()
run_mode mock "http://$host:$mock_port/v1" sk_test_example
run_mode proxy "http://$host:$proxy_port/v1" "$key"
if $run_kong; then
	run_mode kong "http://$host:$kong_port/" kong-token-example
else
	summaries+=("contract kong  SKIPPED  no Kong spec at $kong_spec")
fi

# Prism logs what it rejects with a ✖. The tests must have seen the same;
# this is a second look that does not depend on them. (The kong mode has
# accepted faults of Kong's own examples; its test judges them.)
for name in prism-mock prism-proxy; do
	if grep -q '✖' "$logs/$name.log"; then
		echo "contract: $name logged errors:" >&2
		grep '✖' "$logs/$name.log" | head -n 20 >&2
		failed+=("$name log")
	fi
done

echo
printf '%s\n' "${summaries[@]}"
if ((${#failed[@]} > 0)); then
	show_logs
	echo "contract: FAILED: ${failed[*]}" >&2
	exit 1
fi
echo "contract: all modes passed with no Prism violation"
