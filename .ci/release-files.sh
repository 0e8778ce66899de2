#!/usr/bin/env bash
# Checks the files a release holds besides the code:
#   - LICENSE is the Apache License 2.0, byte for byte the canonical text of
#     https://www.apache.org/licenses/LICENSE-2.0.txt (pkg.go.dev shows the
#     documentation only for a licence it recognises; an edited text may not
#     be); a nested module without a LICENSE of its own gets this one in
#     its module zip (the go command adds the repository root's);
#   - CHANGELOG.md, CONTRIBUTING.md and SECURITY.md exist and are linked
#     from the README.
# admin.Version against CHANGELOG.md and the tags: TestVersion (version_test.go).
set -euo pipefail
cd "$(dirname "$0")/.."
apache2=cfc7749b96f63bd31c3c42b5c471bf756814053e847c10f3eb003417bc523d30
fail=0
if [ "$(sha256sum LICENSE 2>/dev/null | cut -d' ' -f1)" != "$apache2" ]; then
  echo "LICENSE is missing or not the canonical Apache-2.0 text (sha256 $apache2)"; fail=1
fi
for f in CHANGELOG.md CONTRIBUTING.md SECURITY.md LICENSE; do
  [ -f "$f" ] || { echo "$f is missing"; fail=1; continue; }
  grep -q "($f)" README.md || { echo "README.md does not link $f"; fail=1; }
done
exit "$fail"
