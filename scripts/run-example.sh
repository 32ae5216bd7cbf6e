#!/usr/bin/env bash
# The main job: prepares the machine (scripts/setup.sh), then runs a daemonlet agent in the
# background with the example static pods of examples/static-pods, shows the pod running and
# what it reads, and says what to run next. `scripts/run-example.sh stop` stops the agent; its
# pods keep running until their manifests are removed, like a kubelet's.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
state=/var/lib/daemonlet
manifests=/etc/daemonlet/manifests
pidfile="$state/agent.pid"
log=/var/log/daemonlet-agent.log

stop_agent() {
  if [[ -f $pidfile ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    kill "$(cat "$pidfile")"
    echo "agent stopped (its pods keep running; remove files from $manifests to stop them)"
  fi
  rm -f "$pidfile"
}

if [[ ${1:-} == stop ]]; then
  stop_agent
  exit 0
fi

bash scripts/setup.sh
stop_agent
mkdir -p "$state" "$manifests"
cp examples/static-pods/*.yaml "$manifests/"
echo "$(date -Is) daemonlet example: this line was written on the host" >>/var/log/daemonlet-example.log

setsid nohup node "$root/bin/daemonlet.js" agent --node-name "$(hostname | tr 'A-Z' 'a-z')" \
  --manifests "$manifests" --state-dir "$state" --log-format text >>"$log" 2>&1 </dev/null &
echo $! >"$pidfile"
echo "agent started (pid $(cat "$pidfile"), log: $log); waiting for the example pod"

deadline=$((SECONDS + 60))
until node bin/daemonlet.js node pods --state-dir "$state" 2>/dev/null | grep -q ' Running '; do
  if ((SECONDS >= deadline)); then
    echo "the example pod is not running after 60 s; agent log:" >&2
    tail -n 30 "$log" >&2
    exit 1
  fi
  sleep 0.5
done
node bin/daemonlet.js node pods --state-dir "$state" -o wide
echo
echo "what the tailer reads (docker logs of the pod's container):"
container="$(docker ps -q --filter label=io.daemonlet.container=tailer | head -n 1)"
deadline=$((SECONDS + 10))
until docker logs "$container" 2>&1 | grep -q 'daemonlet example'; do
  ((SECONDS < deadline)) || break
  sleep 0.2
done
docker logs "$container" 2>&1 | grep -B1 'daemonlet example' | tail -n 2 | sed 's/^/  /'
cat <<MSG

Next:
  npx daemonlet node pods --state-dir $state -o wide   # the node's pods, like kubectl get pods
  tail -f $log                                # what the agent does, a line per action
  echo hello >>/var/log/daemonlet-example.log; docker logs --tail 1 $container
  edit or remove the files in $manifests     # the pod is replaced or stopped in seconds
  bash scripts/run-example.sh stop                    # stops the agent; its pods keep running
MSG
