#!/usr/bin/env bash
# Makes a release tarball from this checkout (built: `npm ci`): bin, dist, proto, systemd,
# package.json and the production node_modules, under daemonlet-VERSION/. install.sh takes it
# with --from. Native modules are the ones built here: use it on machines with the same Node
# major version and C library.
# Usage: make-release.sh [OUT_DIR]   (default: the checkout's release/) — prints the tarball path.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/release}"
[[ -f $root/dist/bundle/main.js ]] || { echo "make-release: build first (npm ci)" >&2; exit 1; }
version="$(node -p "require('$root/package.json').version")"
arch="$(node -p process.arch)"
name="daemonlet-$version"
staging="$(mktemp -d)"
trap 'rm -rf "$staging"' EXIT
mkdir -p "$staging/$name"
cp -a "$root/bin" "$root/dist" "$root/proto" "$root/systemd" "$root/package.json" \
  "$root/package-lock.json" "$root/node_modules" "$staging/$name/"
# Only what runs: dev tools (typescript, eslint, tsx) stay behind. prune reads the lockfile and
# removes; it downloads nothing.
(cd "$staging/$name" && npm prune --omit=dev --ignore-scripts --no-audit --no-fund >/dev/null)
mkdir -p "$out"
tarball="$out/$name-linux-$arch.tar.gz"
tar -C "$staging" -czf "$tarball" "$name"
echo "$tarball"
