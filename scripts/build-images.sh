#!/usr/bin/env bash
# Builds the test image from the host's static busybox (no registry is reachable here) and tags it
# under the names the example manifests use. Idempotent: skipped when the image already carries
# the same busybox binary and rootfs revision.
set -euo pipefail

docker_bin="${DOCKER:-$(command -v docker || true)}"
busybox_bin="${BUSYBOX:-/bin/busybox}"
image="daemonlet.test/busybox:1"
aliases=("busybox:1.36" "fluent/fluentd:v1.16" "quay.io/prometheus/node-exporter:v1.8.1")
# Bump when the rootfs layout below changes, so existing images are rebuilt.
rootfs_rev="1"

if [[ -z $docker_bin ]]; then
  echo "build-images: no docker client in PATH" >&2
  exit 1
fi
if [[ ! -x $busybox_bin ]] || ! "$busybox_bin" --list | grep -qx sh; then
  echo "build-images: $busybox_bin is not a usable busybox (install busybox-static)" >&2
  exit 1
fi
# A dynamically linked busybox would not run inside an empty rootfs.
if command -v ldd >/dev/null && ldd "$busybox_bin" 2>&1 | grep -q '=>'; then
  echo "build-images: $busybox_bin is dynamically linked; install busybox-static" >&2
  exit 1
fi

sha="$(sha256sum "$busybox_bin" | cut -d' ' -f1)"
want="$sha/$rootfs_rev"
have="$("$docker_bin" image inspect "$image" \
  --format '{{index .Config.Labels "io.daemonlet.busybox-sha256"}}/{{index .Config.Labels "io.daemonlet.test-image-rev"}}' \
  2>/dev/null || true)"

if [[ $have == "$want" ]]; then
  echo "build-images: $image is current (busybox sha256 ${sha:0:12})"
else
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  root="$work/root"
  mkdir -p "$root"/{bin,etc,tmp,proc,sys,dev,root,var/log,var/www,home}
  chmod 1777 "$root/tmp"
  cp "$busybox_bin" "$root/bin/busybox"
  # Relative links: `busybox --install -s` would point at the host path of the binary.
  while read -r applet; do
    [[ $applet == busybox ]] || ln -sf busybox "$root/bin/$applet"
  done < <("$busybox_bin" --list)
  for d in sbin usr/bin usr/sbin; do
    mkdir -p "$(dirname "$root/$d")"
    ln -s "/bin" "$root/$d"
  done
  printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'nobody:x:65534:65534:nobody:/home:/bin/false' \
    'app:x:1000:1000:app:/home:/bin/sh' >"$root/etc/passwd"
  printf '%s\n' 'root:x:0:' 'nogroup:x:65534:' 'app:x:1000:' >"$root/etc/group"

  tar --numeric-owner --owner=0 --group=0 -C "$root" -c . |
    "$docker_bin" import \
      --change 'CMD ["sleep","3600"]' \
      --change 'ENV PATH=/bin:/sbin:/usr/bin:/usr/sbin' \
      --change 'LABEL io.daemonlet.test-image=1' \
      --change "LABEL io.daemonlet.busybox-sha256=$sha" \
      --change "LABEL io.daemonlet.test-image-rev=$rootfs_rev" \
      - "$image" >/dev/null
  echo "build-images: imported $image (busybox sha256 ${sha:0:12})"
fi

for alias in "${aliases[@]}"; do
  "$docker_bin" tag "$image" "$alias"
done
"$docker_bin" image ls --filter label=io.daemonlet.test-image=1 \
  --format 'build-images: {{.Repository}}:{{.Tag}} {{.ID}} {{.Size}}'
