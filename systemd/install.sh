#!/usr/bin/env bash
# Installs daemonlet as a systemd service (run as root), from this checkout (built: `npm ci`) or
# from a release tarball (systemd/make-release.sh). Safe to run again: files are replaced, the
# config is rewritten from the flags given, and the unit is restarted only when something changed.
#
#   install.sh [--role agent] --hub wss://HUB:7460 --join-token ID.SECRET@sha256:HASH \
#              [--node-name NAME] [--labels k=v,...] [--taints k=v:Effect,...] \
#              [--allowed-host-paths /var/log,...] [--metrics-listen 127.0.0.1:7462] \
#              [--insecure] [--from DIR|TARBALL] [--no-start]
#   install.sh --role hub [--pki-names hub.example,10.0.0.1] [--listen 0.0.0.0:7460] \
#              [--api-listen 127.0.0.1:7461] [--insecure] [--from ...]
#   install.sh --uninstall [--role agent|hub]  (pods keep running; config and state are kept)
set -euo pipefail

prefix=/opt/daemonlet
bin_link=/usr/local/bin/daemonlet
config_dir=/etc/daemonlet
unit_dir=/etc/systemd/system

role=agent
from=""
hub="" join_token="" node_name="" labels="" taints="" host_paths="" metrics_listen=""
pki_names="" listen="" api_listen=""
insecure=false uninstall=false start=true

die() {
  echo "install.sh: $*" >&2
  exit 2
}
need_value() { [[ $# -ge 2 && -n $2 ]] || die "$1 needs a value"; }

while [[ $# -gt 0 ]]; do
  case $1 in
    --role) need_value "$@"; role=$2; shift ;;
    --from) need_value "$@"; from=$2; shift ;;
    --hub) need_value "$@"; hub=$2; shift ;;
    --join-token) need_value "$@"; join_token=$2; shift ;;
    --node-name) need_value "$@"; node_name=$2; shift ;;
    --labels) need_value "$@"; labels=$2; shift ;;
    --taints) need_value "$@"; taints=$2; shift ;;
    --allowed-host-paths) need_value "$@"; host_paths=$2; shift ;;
    --metrics-listen) need_value "$@"; metrics_listen=$2; shift ;;
    --pki-names) need_value "$@"; pki_names=$2; shift ;;
    --listen) need_value "$@"; listen=$2; shift ;;
    --api-listen) need_value "$@"; api_listen=$2; shift ;;
    --insecure) insecure=true ;;
    --no-start) start=false ;;
    --uninstall) uninstall=true ;;
    -h | --help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown flag $1 (see --help)" ;;
  esac
  shift
done
[[ $role == agent || $role == hub ]] || die "--role is agent or hub, not $role"
[[ $(id -u) == 0 ]] || die "run as root"
unit="daemonlet-$role.service"

if $uninstall; then
  systemctl disable --now "$unit" 2>/dev/null || true
  rm -rf "$unit_dir/$unit" "$unit_dir/$unit.d"
  systemctl daemon-reload
  other=daemonlet-agent.service
  [[ $role == agent ]] && other=daemonlet-hub.service
  if [[ ! -f $unit_dir/$other ]]; then
    rm -rf "$prefix" "$bin_link"
  fi
  echo "daemonlet $role uninstalled; $config_dir and /var/lib state are kept (remove them by hand)"
  if [[ $role == agent ]]; then echo "pods keep running: remove them with 'docker rm -f' or from the hub first"; fi
  exit 0
fi

command -v node >/dev/null || die "node (>= 20) must be on PATH"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
((node_major >= 20)) || die "Node >= 20 required, found $(node --version)"

# --- the files -------------------------------------------------------------------------------
here="$(cd "$(dirname "$0")/.." && pwd)"
from="${from:-$here}"
staging="$(mktemp -d)"
trap 'rm -rf "$staging"' EXIT
if [[ -f $from ]]; then
  tar -xzf "$from" -C "$staging"
  src="$staging/$(ls "$staging" | head -n 1)"
else
  src="$from"
fi
for part in bin dist proto node_modules package.json systemd; do
  [[ -e $src/$part ]] || die "$src has no $part: give a built checkout (npm ci) or a release tarball"
done
changed=false
# Compare before replacing, so that a rerun with the same files restarts nothing.
fingerprint() { (cd "$1" && find bin dist proto package.json systemd -type f -print0 | sort -z | xargs -0 sha256sum) | sha256sum; }
if [[ ! -d $prefix ]] || [[ "$(fingerprint "$src")" != "$(fingerprint "$prefix")" ]]; then
  rm -rf "$prefix.new"
  mkdir -p "$prefix.new"
  cp -a "$src/bin" "$src/dist" "$src/proto" "$src/node_modules" "$src/package.json" "$src/systemd" "$prefix.new/"
  rm -rf "$prefix.old"
  [[ -d $prefix ]] && mv "$prefix" "$prefix.old"
  mv "$prefix.new" "$prefix"
  rm -rf "$prefix.old"
  changed=true
fi
ln -sfn "$prefix/bin/daemonlet.js" "$bin_link"

# --- config ----------------------------------------------------------------------------------
install -d -m 0755 "$config_dir"
write_if_changed() { # FILE MODE: stdin → FILE when different
  local file=$1 mode=$2 tmp
  tmp="$(mktemp)"
  cat >"$tmp"
  if [[ -f $file ]] && cmp -s "$tmp" "$file"; then
    rm -f "$tmp"
  else
    install -m "$mode" "$tmp" "$file"
    rm -f "$tmp"
    changed=true
  fi
}
yaml_list() { # "a,b" → YAML flow list of quoted strings
  local IFS=, out="" item
  for item in $1; do out+="${out:+, }\"$item\""; done
  echo "[$out]"
}

if [[ $role == agent ]]; then
  install -d -m 0755 "$config_dir/manifests"
  install -d -m 0700 /var/lib/daemonlet
  config="$config_dir/agent.yaml"
  if [[ -n $hub$join_token$node_name$labels$taints$host_paths$metrics_listen || $insecure == true ||
    ! -f $config ]]; then
    {
      echo "# Written by systemd/install.sh; rerun it to change these."
      echo "manifests: $config_dir/manifests"
      echo "stateDir: /var/lib/daemonlet"
      echo "logFormat: json"
      if [[ -n $node_name ]]; then echo "nodeName: \"$node_name\""; fi
      if [[ -n $hub ]]; then echo "hub: \"$hub\""; fi
      if [[ -n $join_token ]]; then echo "token: \"$join_token\""; fi
      if $insecure; then echo "insecure: true"; fi
      if [[ -n $host_paths ]]; then echo "allowedHostPaths: $(yaml_list "$host_paths")"; fi
      if [[ -n $metrics_listen ]]; then echo "metricsListen: \"$metrics_listen\""; fi
      if [[ -n $labels ]]; then
        echo "nodeLabels:"
        IFS=, read -r -a pairs <<<"$labels"
        for pair in "${pairs[@]}"; do
          [[ $pair == *=* ]] || die "--labels takes key=value pairs, got $pair"
          echo "  \"${pair%%=*}\": \"${pair#*=}\""
        done
      fi
      if [[ -n $taints ]]; then
        echo "nodeTaints:"
        IFS=, read -r -a items <<<"$taints"
        for item in "${items[@]}"; do
          [[ $item =~ ^([^=:]+)(=([^:]*))?:(NoSchedule|PreferNoSchedule|NoExecute)$ ]] ||
            die "--taints takes key[=value]:Effect, got $item"
          echo "  - {key: \"${BASH_REMATCH[1]}\", value: \"${BASH_REMATCH[3]}\", effect: ${BASH_REMATCH[4]}}"
        done
      fi
    } | write_if_changed "$config" 0600 # it holds the join token
  fi
  # Earlier installs made the file system read-only to the agent but for the allowed roots, in a
  # mount namespace its hostPath pins could not leave; that drop-in goes.
  if [[ -f $unit_dir/$unit.d/host-paths.conf ]]; then
    rm -f "$unit_dir/$unit.d/host-paths.conf"
    rmdir "$unit_dir/$unit.d" 2>/dev/null || true
    changed=true
  fi
else
  install -d -m 0700 /var/lib/daemonlet-hub
  config="$config_dir/hub.yaml"
  if [[ -n $pki_names$listen$api_listen || $insecure == true || ! -f $config ]]; then
    {
      echo "# Written by systemd/install.sh; rerun it to change these."
      echo "dataDir: /var/lib/daemonlet-hub"
      echo "logFormat: json"
      if [[ -n $listen ]]; then echo "listen: \"$listen\""; fi
      if [[ -n $api_listen ]]; then echo "apiListen: \"$api_listen\""; fi
      if $insecure; then
        echo "insecure: true"
      else
        echo "initPki: true"
        if [[ -n $pki_names ]]; then echo "pkiNames: $(yaml_list "$pki_names")"; fi
      fi
    } | write_if_changed "$config" 0600
  fi
  # The CLI finds the hub's admin credential here by default.
  ln -sfn /var/lib/daemonlet-hub/admin.conf "$config_dir/admin.conf"
fi

# --- the unit --------------------------------------------------------------------------------
install -d -m 0755 "$unit_dir"
write_if_changed "$unit_dir/$unit" 0644 <"$prefix/systemd/$unit"
systemctl daemon-reload
systemctl enable "$unit" >/dev/null 2>&1
if $start; then
  if $changed && systemctl is-active --quiet "$unit"; then
    systemctl restart "$unit"
  else
    systemctl start "$unit"
  fi
  systemctl is-active --quiet "$unit" || die "$unit did not start: journalctl -u $unit"
fi
echo "daemonlet $role installed ($unit $(systemctl is-active "$unit" 2>/dev/null || true))"
