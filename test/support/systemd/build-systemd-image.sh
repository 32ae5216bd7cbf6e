#!/usr/bin/env bash
# Builds the Docker image the systemd tests boot: a minimal Debian (debootstrap) with systemd as
# PID 1. The mirror is the one this machine's apt sources name; the rootfs tarball is cached under
# /var/cache/daemonlet-test so that a rerun only imports it. Prints the image name.
# Usage: build-systemd-image.sh [IMAGE]   (default daemonlet.test/systemd:bookworm)
set -euo pipefail
image="${1:-daemonlet.test/systemd:bookworm}"
cache=/var/cache/daemonlet-test
tarball="$cache/debian-bookworm-systemd.tar"
suite=bookworm

if docker image inspect "$image" >/dev/null 2>&1; then
  echo "$image"
  exit 0
fi

mirror_from_sources() {
  # deb822 (.sources: "URIs: …") or one-line ("deb URI suite …") entries; the first Debian one.
  local f
  for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f $f ]] || continue
    awk '/^URIs:/ { for (i = 2; i <= NF; i++) print $i } /^deb / { print $2 }' "$f"
  done | grep -v -- '-security' | grep -m1 debian
}

if [[ ! -s $tarball ]]; then
  command -v debootstrap >/dev/null || {
    DEBIAN_FRONTEND=noninteractive apt-get install -y debootstrap >&2
  }
  mirror="$(mirror_from_sources || true)"
  if [[ -z $mirror ]]; then
    echo "build-systemd-image: no Debian mirror in /etc/apt/sources*" >&2
    exit 1
  fi
  mkdir -p "$cache"
  root="$(mktemp -d "$cache/rootfs.XXXXXX")"
  trap 'rm -rf "$root"' EXIT
  echo "build-systemd-image: debootstrap $suite from $mirror" >&2
  debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus,ca-certificates \
    "$suite" "$root" "$mirror" >&2
  # Units that make no sense in a container (and slow its boot) are masked.
  for unit in systemd-udevd.service systemd-udevd-control.socket systemd-udevd-kernel.socket \
    getty@tty1.service console-getty.service systemd-logind.service; do
    ln -sf /dev/null "$root/etc/systemd/system/$unit"
  done
  rm -f "$root/etc/machine-id" && touch "$root/etc/machine-id"
  tar -C "$root" -cf "$tarball.partial" .
  mv "$tarball.partial" "$tarball"
fi
docker import --change 'CMD ["/sbin/init"]' "$tarball" "$image" >/dev/null
echo "$image"
