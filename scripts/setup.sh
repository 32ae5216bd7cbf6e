#!/usr/bin/env bash
# Prepares a fresh Debian 12 machine (run as root) for building and testing daemonlet: installs
# the Docker engine, a static busybox, a registry server (the image pull tests run their own on
# 127.0.0.1) and debootstrap (the systemd tests boot a Debian rootfs it makes), starts dockerd when nothing answers (no systemd as PID 1 here), installs npm
# dependencies (which also builds), and builds the local test images.
# Safe to run again: every step checks first.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

log() { echo "setup: $*"; }

# prometheus brings promtool, which checks the example alert rules and the /metrics output;
# debootstrap builds the Debian rootfs of the systemd tests; iproute2 makes the bridge of the
# private engine that the engine-restart fault test stops and starts.
packages=(docker.io busybox-static docker-registry prometheus debootstrap iproute2)
missing=()
for p in "${packages[@]}"; do
  if [[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" != "install ok installed" ]]; then
    missing+=("$p")
  fi
done
if ((${#missing[@]} > 0)); then
  log "installing ${missing[*]}"
  apt-get update
  apt-get install -y "${missing[@]}"
else
  log "packages present: ${packages[*]}"
fi

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "setup: node and npm (Node >= 20) must be installed first; Debian 12's nodejs is 18" >&2
  exit 1
fi
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if ((node_major < 20)); then
  echo "setup: Node >= 20 required, found $(node --version)" >&2
  exit 1
fi

# Prefer the client in PATH (it may be newer); fall back to Debian's.
docker_bin="$(command -v docker || echo /usr/bin/docker)"
export DOCKER="$docker_bin"

if "$docker_bin" info >/dev/null 2>&1; then
  log "docker engine answers"
else
  log "starting dockerd (log: /var/log/daemonlet-dockerd.log)"
  # setsid + nohup: the engine must outlive this script and not hold CI's stdin/stdout open.
  setsid nohup dockerd >>/var/log/daemonlet-dockerd.log 2>&1 </dev/null &
  deadline=$((SECONDS + 60))
  until "$docker_bin" info >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      echo "setup: dockerd did not answer within 60 s; last log lines:" >&2
      tail -n 30 /var/log/daemonlet-dockerd.log >&2 || true
      exit 1
    fi
    sleep 0.5
  done
  log "docker engine answers"
fi

# npm writes node_modules/.package-lock.json on every install: older than the lockfile means stale.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  log "npm ci (also builds through the prepare script)"
  npm ci --no-audit --no-fund
else
  log "node_modules is current"
fi

bash scripts/build-images.sh
# The systemd tests boot a debootstrapped Debian (cached under /var/cache/daemonlet-test).
bash test/support/systemd/build-systemd-image.sh >/dev/null
