#!/usr/bin/env bash
# Lints the Admin API's OpenAPI document:
#   1. Redocly CLI (recommended ruleset plus the project rules of
#      api/redocly.yaml) must report no errors and no warnings;
#   2. kin-openapi must load and validate it (go test ./api/, which also
#      validates every example against its schema);
#   3. Prism must load it, and the Kong conformance spec it is meant to be
#      wire-compatible with ($KONG_ADMINS_SPEC, by default
#      ../shared/conformance/kong-admins-3.14.yaml beside the repository).
# Installs the pinned npm tools (npm ci --prefix tools) if needed.
# Usage: .ci/lint-spec.sh   (from anywhere; exits non-zero on any problem)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/npm-tools.sh"
cd "$ROOT"
ensure_npm_tools

echo "== redocly lint api/openapi.yaml"
"$REDOCLY" lint --config api/redocly.yaml --max-problems 200 api/openapi.yaml 2>&1 | grep -v '[║╔╚]' | tee "${TMPDIR:-/tmp}/redocly-lint.$$"
if grep -Eq 'You have [0-9]+ warning' "${TMPDIR:-/tmp}/redocly-lint.$$"; then
	rm -f "${TMPDIR:-/tmp}/redocly-lint.$$"
	echo "redocly reported warnings; fix them or turn the rule off in api/redocly.yaml with a written reason" >&2
	exit 1
fi
rm -f "${TMPDIR:-/tmp}/redocly-lint.$$"

echo "== kin-openapi: go test ./api/"
go test -count=1 ./api/

echo "== prism"
prism_loads api/openapi.yaml
kong_spec="${KONG_ADMINS_SPEC:-$ROOT/../shared/conformance/kong-admins-3.14.yaml}"
if [[ -f "$kong_spec" ]]; then
	prism_loads "$kong_spec"
elif [[ "${CI:-}" == "true" ]]; then
	echo "lint-spec: the Kong conformance spec is missing at $kong_spec; CI checks out shared/ beside the repository" >&2
	exit 1
else
	echo "NOTE: Kong conformance spec not found at $kong_spec (set KONG_ADMINS_SPEC); not checked" >&2
fi
