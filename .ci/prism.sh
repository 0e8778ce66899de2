#!/usr/bin/env bash
# Runs the pinned Prism over the Admin API's spec (installing the npm tools if
# needed). Every path in api/openapi.yaml carries the /v1 prefix, so clients
# use the base URL http://127.0.0.1:$PORT/v1 and a proxied upstream is given
# as a bare origin.
#
#   .ci/prism.sh mock  [prism args...]           static mock; invalid requests
#                                                 get errors (--errors)
#   .ci/prism.sh proxy UPSTREAM [prism args...]  validating proxy: forwards to
#                                                 UPSTREAM (e.g. http://127.0.0.1:8080,
#                                                 no /v1), reports violations of
#                                                 requests and responses as errors
#   .ci/prism.sh kong-mock [prism args...]       mock of Kong's admins endpoints
#                                                 (auth header Kong-Admin-Token),
#                                                 base URL http://127.0.0.1:$PORT/
#
# PORT (default 4010 for mock and proxy, 4011 for kong-mock) and HOST
# (default 127.0.0.1) choose the address. Prism runs in the foreground
# (exec), so stop it with a signal to this script's process. kong-mock
# serves KONG_ADMINS_SPEC, by default
# ../shared/conformance/kong-admins-3.14.yaml beside the repository.
# .ci/contract.sh runs the SDK's contract tests against all three.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/npm-tools.sh"
ensure_npm_tools
host="${HOST:-127.0.0.1}"
mode="${1:-}"
shift || true
case "$mode" in
mock)
	exec "$PRISM" mock --errors -h "$host" -p "${PORT:-4010}" "$@" "$ROOT/api/openapi.yaml"
	;;
proxy)
	if [[ $# -lt 1 ]]; then
		echo "usage: $0 proxy UPSTREAM [prism args...]" >&2
		exit 2
	fi
	upstream="$1"
	shift
	exec "$PRISM" proxy --errors -h "$host" -p "${PORT:-4010}" "$@" "$ROOT/api/openapi.yaml" "$upstream"
	;;
kong-mock)
	kong_spec="${KONG_ADMINS_SPEC:-$ROOT/../shared/conformance/kong-admins-3.14.yaml}"
	if [[ ! -f "$kong_spec" ]]; then
		echo "$0: no Kong spec at $kong_spec (shared/ belongs beside the repository; or set KONG_ADMINS_SPEC)" >&2
		exit 1
	fi
	exec "$PRISM" mock --errors -h "$host" -p "${PORT:-4011}" "$@" "$kong_spec"
	;;
*)
	sed -n '2,21p' "$0" >&2
	exit 2
	;;
esac
