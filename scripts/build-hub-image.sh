#!/usr/bin/env bash
# Builds the hub's container image from this checkout, with no registry: a rootfs holding the
# host's node binary and the C libraries it links, plus a release of daemonlet
# (systemd/make-release.sh), imported with `docker import`. Tagged daemonlet/hub:VERSION; the
# static pod manifest examples/hub-static-pod.yaml runs it. Rebuilt only when the node binary or
# the release changed. Prints the image name.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
node_bin="$(readlink -f "$(command -v node)")"
version="$(node -p "require('$root/package.json').version")"
image="daemonlet/hub:$version"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

tarball="$(bash "$root/systemd/make-release.sh" "$work/release")"
rootfs="$work/rootfs"
mkdir -p "$rootfs"/{opt,usr/local/bin,etc,tmp,var/lib/daemonlet-hub}
chmod 1777 "$rootfs/tmp"
tar -xzf "$tarball" -C "$rootfs/opt"
mv "$rootfs/opt/daemonlet-$version" "$rootfs/opt/daemonlet"
cp "$node_bin" "$rootfs/usr/local/bin/node"
# The shared libraries node links, at the paths the dynamic loader looks for them.
while read -r lib; do
  mkdir -p "$rootfs$(dirname "$lib")"
  cp -L "$lib" "$rootfs$lib"
done < <(ldd "$node_bin" | grep -o '/[^ ]*')
printf '%s\n' 'root:x:0:0:root:/root:/sbin/nologin' >"$rootfs/etc/passwd"
printf '%s\n' 'root:x:0:' >"$rootfs/etc/group"

# Content hash of what goes in: same inputs, same image, no re-import.
digest="$(cd "$rootfs" && find . -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)"
have="$(docker image inspect "$image" --format '{{index .Config.Labels "io.daemonlet.content"}}' 2>/dev/null || true)"
previous="$(docker image inspect "$image" --format '{{.Id}}' 2>/dev/null || true)"
if [[ $have != "$digest" ]]; then
  tar --numeric-owner --owner=0 --group=0 -C "$rootfs" -c . |
    docker import \
      --change 'ENTRYPOINT ["/usr/local/bin/node", "/opt/daemonlet/bin/daemonlet.js"]' \
      --change 'CMD ["hub", "--data", "/var/lib/daemonlet-hub", "--init-pki"]' \
      --change 'ENV NODE_ENV=production' \
      --change "LABEL io.daemonlet.content=$digest" \
      - "$image" >/dev/null
  echo "build-hub-image: imported $image ($digest)" >&2
  # The tag moved; the image it named would stay behind untagged (160 MB a build). A container
  # still using it keeps it, and this fails quietly.
  if [[ -n $previous ]]; then docker image rm "$previous" >/dev/null 2>&1 || true; fi
fi
echo "$image"
