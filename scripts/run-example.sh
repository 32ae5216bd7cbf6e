#!/usr/bin/env bash
# The main job: prepares the machine (scripts/setup.sh), then runs a hub on its embedded store and
# a local agent joined to it the secure way (TLS with the hub's own CA, a join token that carries
# the CA's hash, a per-node credential), applies the example DaemonSet (a log tailer reading
# /var/log through a hostPath), shows it running and says what to run next. `scripts/run-example.sh stop` stops
# both; the pods keep running, like a kubelet's, until their DaemonSet is deleted. `clean` also removes them.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
hub_data=/var/lib/daemonlet-hub
state=/var/lib/daemonlet
manifests=/etc/daemonlet/manifests
run_dir=/run/daemonlet-example
hub_log=/var/log/daemonlet-hub.log
agent_log=/var/log/daemonlet-agent.log
daemonlet() { node "$root/bin/daemonlet.js" "$@"; }

stop_all() {
  for name in agent hub; do
    local pidfile="$run_dir/$name.pid"
    if [[ -f $pidfile ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      kill "$(cat "$pidfile")"
      echo "$name stopped"
    fi
    rm -f "$pidfile"
  done
}

wait_for() {
  local what=$1 log=$2 deadline=$((SECONDS + 60))
  shift 2
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      echo "timed out waiting for $what; last lines of $log:" >&2
      tail -n 30 "$log" >&2
      exit 1
    fi
    sleep 0.5
  done
}

if [[ ${1:-} == stop ]]; then
  stop_all
  echo "pods keep running; with the hub up, \`daemonlet delete ds -n kube-system log-tailer\` removes them"
  exit 0
fi
if [[ ${1:-} == clean ]]; then
  # Stops both and removes the example node's containers, found by the node label.
  stop_all
  node_name="$(hostname | tr '[:upper:]' '[:lower:]')"
  ids="$(docker ps -aq --filter "label=io.daemonlet.node=$node_name")"
  if [[ -n $ids ]]; then docker rm -f $ids >/dev/null; fi
  echo "example stopped; containers of node $node_name removed"
  exit 0
fi

bash scripts/setup.sh
stop_all
mkdir -p "$run_dir" "$state" "$manifests" "$hub_data" /etc/daemonlet
echo "$(date -Is) daemonlet example: this line was written on the host" >>/var/log/daemonlet-example.log

# --init-pki: a CA and a hub certificate in $hub_data/pki (made once), TLS for agents and the API,
# and $hub_data/admin.conf, the CLI's credential (linked where the CLI looks by default).
setsid nohup node "$root/bin/daemonlet.js" hub --data "$hub_data" --init-pki --log-format text \
  >>"$hub_log" 2>&1 </dev/null &
echo $! >"$run_dir/hub.pid"
ln -sfn "$hub_data/admin.conf" /etc/daemonlet/admin.conf
wait_for "the hub" "$hub_log" test -s "$hub_data/admin.conf"
wait_for "the hub's API" "$hub_log" daemonlet get nodes
# A join token for this node, good for an hour; it carries the hash of the hub's CA, which the
# agent checks before it sends anything. Once joined, the agent uses its own credential.
join="$(daemonlet token create --ttl 1h --description "run-example.sh")"

# The agent runs as its systemd unit starts it: node's flags from ExecStart=, and Environment=.
unit=systemd/daemonlet-agent.service
read -r -a agent_node_flags < <(sed -n 's|^ExecStart=/usr/bin/env node \(\(-[^ ]* \)*\).*|\1|p' "$unit")
mapfile -t agent_env < <(sed -n 's/^Environment=//p' "$unit")
env "${agent_env[@]}" setsid nohup node "${agent_node_flags[@]}" "$root/bin/daemonlet.js" agent \
  --manifests "$manifests" --state-dir "$state" \
  --hub wss://127.0.0.1:7460 --token "$join" --log-format text >>"$agent_log" 2>&1 </dev/null &
echo $! >"$run_dir/agent.pid"
echo "hub (log: $hub_log) and agent (log: $agent_log) started"
node_name="$(hostname | tr '[:upper:]' '[:lower:]')"
wait_for "the node to register" "$agent_log" sh -c "node '$root/bin/daemonlet.js' get nodes | grep -q '^$node_name .*Ready'"

daemonlet apply -f examples/log-tailer.yaml
wait_for "the DaemonSet to be ready" "$agent_log" sh -c \
  "node '$root/bin/daemonlet.js' get ds -n kube-system log-tailer -o json | grep -q '\"numberReady\": 1'"
echo
daemonlet get ds -A
echo
daemonlet get pods -A -o wide
echo
echo "what the tailer reads (docker logs of its container):"
container="$(docker ps -q --filter label=io.daemonlet.container=tailer | head -n 1)"
deadline=$((SECONDS + 10))
until docker logs "$container" 2>&1 | grep -q 'daemonlet example' || ((SECONDS >= deadline)); do
  sleep 0.2
done
docker logs "$container" 2>&1 | grep -B1 'daemonlet example' | tail -n 2 | sed 's/^/  /'
cat <<MSG

Next:
  npx daemonlet get ds -A                    # DESIRED CURRENT READY … like kubectl
  npx daemonlet get pods -A -o wide
  npx daemonlet describe ds -n kube-system log-tailer
  npx daemonlet get nodes -o wide
  npx daemonlet node pods --state-dir $state   # what this node's agent runs, static pods too
  npx daemonlet token create --ttl 24h       # a join token for another node (agent --hub wss://THIS-HOST:7460 --token …)
  bash scripts/run-example.sh stop           # stops hub and agent; the pods keep running
  bash scripts/run-example.sh clean          # stops both and removes the example's containers
MSG
