#!/usr/bin/env bash
# Checks every module of the repository on its own, as a user gets it:
# every directory with a go.mod that git tracks (so a new module is covered
# the day it lands), with GOWORK=off so go.work cannot hide a missing
# requirement. For each module:
#   1. go generate ./... (bench/'s generated peers are not committed);
#   2. go mod tidy -diff: go.mod and go.sum are tidy;
#   3. the module is in go.work, and every module that supplies a package
#      it builds (tests included) has the same version in the workspace as
#      in the module's own go.mod, so the README's commands, which run in
#      the workspace, test what a user's build selects (fix: go get
#      MODULE@VERSION in that module, then go mod tidy);
#   4. go build, go vet, staticcheck (the version pinned below) and go test,
#      each on ./...
# Usage: .ci/modules.sh [DIR...]   (default: every module)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
if [ $# -gt 0 ]; then
  dirs=("$@")
else
  mapfile -t dirs < <(git ls-files '*go.mod' | xargs -n1 dirname)
fi
workspace=$(go list -m -f '{{.Dir}}')
# staticcheck, pinned; built once into .ci/tmp/bin.
staticcheck_version=v0.8.2
bin=$root/.ci/tmp/bin
if [ "$("$bin/staticcheck" -version 2>/dev/null | awk '{print $NF}' | tr -d '()')" != "${staticcheck_version#v}" ]; then
  GOBIN=$bin go install "honnef.co/go/tools/cmd/staticcheck@${staticcheck_version}"
fi
fail=0
q='{{with .Module}}{{if not .Main}}{{if not .Replace}}{{.Path}} {{.Version}}{{end}}{{end}}{{end}}'
for dir in "${dirs[@]}"; do
  echo "== module ${dir}"
  cd "$root/$dir"
  echo "-- go generate ./..."
  GOWORK=off go generate ./...
  echo "-- go mod tidy -diff"
  GOWORK=off go mod tidy -diff || { echo "${dir}: go.mod/go.sum not tidy: run 'GOWORK=off go mod tidy' in ${dir}"; fail=1; }
  echo "-- the workspace builds it with the versions its go.mod selects"
  if ! grep -qxF "$PWD" <<<"$workspace"; then
    echo "${dir}: not in go.work: add it with 'go work use ${dir}'"; fail=1
  else
    # Packages of the workspace's own modules (replaced in the module's
    # go.mod, main modules in the workspace) are left out.
    if ! diff <(GOWORK=off go list -deps -test -f "$q" ./... | sort -u) \
              <(go list -deps -test -f "$q" ./... | sort -u); then
      echo "${dir}: the workspace (>) builds with other versions than ${dir}/go.mod (<) selects:"
      echo "  run 'GOWORK=off go get MODULE@VERSION' in ${dir} for each '>' line, then 'GOWORK=off go mod tidy'"
      fail=1
    fi
  fi
  echo "-- go build, go vet, staticcheck, go test"
  GOWORK=off go build ./... || { echo "${dir}: does not build with GOWORK=off"; fail=1; }
  GOWORK=off go vet ./... || { echo "${dir}: go vet found problems"; fail=1; }
  GOWORK=off "$bin/staticcheck" ./... || { echo "${dir}: staticcheck found problems"; fail=1; }
  GOWORK=off go test ./... || { echo "${dir}: tests fail with GOWORK=off"; fail=1; }
done
exit "$fail"
