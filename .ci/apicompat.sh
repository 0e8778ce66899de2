#!/usr/bin/env bash
# Holds every module to the README's promise: within a major version,
# exported names keep their meaning and a program that compiles keeps
# compiling. For each module (every go.mod git tracks, except bench/, which
# is never released), golang.org/x/exp/cmd/apidiff compares the exported API
# of the working tree with the base and fails on an incompatible change.
#
# The base of a module is:
#   - $APICOMPAT_BASE if set (any commit-ish; for every module);
#   - else the module's newest release tag of the same major version
#     (v0.1.0 for the root, examples/v0.1.0 for examples/, ...; v0 and v1
#     are one major version here, as the README promises compatibility
#     from v0.1.0 on);
#   - else, before a module's first tag, the merge base with the remote's
#     default branch (origin/HEAD, else origin/main) when HEAD is ahead of
#     it, as on a branch or pull request; when HEAD is that branch (a fresh
#     clone of main), the commit before HEAD (its first parent: for a merge,
#     main as it was before the merge).
# A module whose path changed (a /vN suffix: a new major version) or that
# did not exist at the base is not compared.
# Usage: .ci/apicompat.sh [DIR...]   (default: every module)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
tmp=$root/.ci/tmp/apicompat
bin=$root/.ci/tmp/bin
apidiff_version=v0.0.0-20261113113407-e3970619a1a4
if [ "$(cat "$bin/apidiff.version" 2>/dev/null)" != "$apidiff_version" ] || [ ! -x "$bin/apidiff" ]; then
  GOBIN=$bin go install "golang.org/x/exp/cmd/apidiff@${apidiff_version}"
  echo "$apidiff_version" >"$bin/apidiff.version"
fi
unreleased=" bench "

untagged_base() {
  local ref mb
  for ref in refs/remotes/origin/HEAD refs/remotes/origin/main; do
    if git rev-parse -q --verify "${ref}^{commit}" >/dev/null; then
      mb=$(git merge-base HEAD "$ref" || true)
      if [ -n "$mb" ] && [ "$mb" != "$(git rev-parse HEAD)" ]; then
        echo "$mb"; return
      fi
      break
    fi
  done
  git rev-parse -q --verify 'HEAD~1^{commit}' || true
}

# newest_tag PREFIX MAJOR prints the newest tag PREFIXvX.Y.Z (no
# pre-release) whose X is MAJOR, or 0 or 1 when MAJOR is empty.
newest_tag() {
  local prefix=$1 major=$2
  git tag --list "${prefix}v*" | sed "s|^${prefix}||" |
    grep -E '^v[0-9]+\.[0-9]+\.[0-9]+$' |
    awk -F'[v.]' -v m="$major" '(m == "" && $2 <= 1) || $2 == m' |
    sort -V | tail -n1 | sed "s|^|${prefix}|" | grep . || true
}

if [ $# -gt 0 ]; then
  dirs=("$@")
else
  mapfile -t dirs < <(git ls-files '*go.mod' | xargs -n1 dirname)
fi
fail=0
quiet() { grep -v '^Ignoring internal package' >&2 || true; }   # apidiff's note for each internal package
for dir in "${dirs[@]}"; do
  if [[ "$unreleased" == *" $dir "* ]]; then
    echo "== ${dir}: not released, not compared"; continue
  fi
  modpath=$(cd "$dir" && GOWORK=off go list -m)
  prefix=""; [ "$dir" != . ] && prefix="$dir/"
  major=""; [[ "$modpath" =~ /v([0-9]+)$ ]] && major=${BASH_REMATCH[1]}
  if [ -n "${APICOMPAT_BASE:-}" ]; then
    base=$APICOMPAT_BASE
  else
    base=$(newest_tag "$prefix" "$major")
    [ -n "$base" ] || base=$(untagged_base)
  fi
  if [ -z "$base" ]; then
    echo "== ${dir}: no base to compare with (no tag, no earlier commit)"; continue
  fi
  echo "== ${dir} (${modpath}) against ${base} ($(git rev-parse --short "${base}^{commit}"))"
  rm -rf "$tmp" && mkdir -p "$tmp/base"
  git archive "${base}^{commit}" | tar -x -C "$tmp/base"
  if [ ! -f "$tmp/base/$dir/go.mod" ]; then
    echo "new since the base: nothing to compare"; continue
  fi
  basepath=$(cd "$tmp/base/$dir" && GOWORK=off go list -m)
  if [ "$basepath" != "$modpath" ]; then
    echo "module path changed from ${basepath}: a new major version, not compared"; continue
  fi
  (cd "$tmp/base/$dir" && GOWORK=off GOFLAGS="${GOFLAGS:-} -mod=mod" "$bin/apidiff" -m -w "$tmp/base.api" "$modpath") 2> >(quiet)
  (cd "$dir" && GOWORK=off "$bin/apidiff" -m "$tmp/base.api" "$modpath") 2> >(quiet)
  incompatible=$(cd "$dir" && GOWORK=off "$bin/apidiff" -m -incompatible "$tmp/base.api" "$modpath" 2> >(quiet))
  if [ -n "$incompatible" ]; then
    echo "${dir}: incompatible API changes against ${base}; the promise allows them only in a new major version (a /vN module path):"
    echo "$incompatible"
    fail=1
  fi
done
rm -rf "$tmp"
exit "$fail"
