import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Pod } from "kubernetes-types/core/v1.js";
import { loadPodType } from "../../proto/load.js";
import { podFromMessage, podToMessage } from "./pod-codec.js";

const runningTwoContainers: Pod = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: {
    name: "node-exporter-web1",
    namespace: "monitoring",
    uid: "5f0c1a2b-0000-4000-8000-000000000001",
    labels: { app: "node-exporter", "pod-template-hash": "abc123" },
    annotations: { "kubernetes.io/config.source": "file" },
    creationTimestamp: "2024-05-01T10:00:00Z",
  },
  spec: {
    nodeName: "web1",
    restartPolicy: "Always",
    hostNetwork: true,
    containers: [
      { name: "exporter", image: "prom/node-exporter:v1.8.0", args: ["--path.rootfs=/host"] },
      { name: "sidecar", image: "busybox:1.36", command: ["sleep", "infinity"] },
    ],
    volumes: [{ name: "root", hostPath: { path: "/", type: "Directory" } }],
  },
  status: {
    phase: "Running",
    conditions: [
      { type: "Initialized", status: "True", lastTransitionTime: "2024-05-01T10:00:00Z" },
      {
        type: "Ready",
        status: "False",
        reason: "ContainersNotReady",
        message: "containers with unready status: [sidecar]",
        lastTransitionTime: "2024-05-01T10:00:05Z",
      },
    ],
    hostIP: "10.0.0.5",
    podIP: "10.0.0.5",
    startTime: "2024-05-01T10:00:00Z",
    containerStatuses: [
      {
        name: "exporter",
        image: "prom/node-exporter:v1.8.0",
        imageID: "docker-pullable://prom/node-exporter@sha256:1111",
        containerID: "docker://aaaa",
        ready: true,
        started: true,
        restartCount: 0,
        state: { running: { startedAt: "2024-05-01T10:00:02Z" } },
        lastState: {},
      },
      {
        name: "sidecar",
        image: "busybox:1.36",
        imageID: "docker-pullable://busybox@sha256:2222",
        containerID: "docker://bbbb",
        ready: false,
        started: false,
        restartCount: 3,
        state: { waiting: { reason: "CrashLoopBackOff", message: "back-off 40s restarting" } },
        lastState: {
          terminated: {
            exitCode: 137,
            signal: 9,
            reason: "OOMKilled",
            startedAt: "2024-05-01T10:01:00Z",
            finishedAt: "2024-05-01T10:01:30Z",
            containerID: "docker://cccc",
          },
        },
      },
    ],
  },
};

const refusedHostPath: Pod = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: {
    name: "log-shipper-web1",
    namespace: "default",
    uid: "5f0c1a2b-0000-4000-8000-000000000002",
    creationTimestamp: "2024-05-01T10:00:00Z",
    deletionTimestamp: "2024-05-01T11:00:00Z",
  },
  spec: { containers: [{ name: "shipper", image: "fluent-bit:3" }] },
  status: {
    phase: "Pending",
    containerStatuses: [
      {
        name: "shipper",
        image: "fluent-bit:3",
        imageID: "",
        ready: false,
        started: false,
        restartCount: 0,
        state: {
          waiting: {
            reason: "HostPathNotAllowed",
            message: "/etc is outside the allowed roots [/var/log]",
          },
        },
      },
    ],
  },
};

const completed: Pod = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "once", namespace: "default", uid: "u3" },
  spec: { restartPolicy: "Never", containers: [{ name: "main", image: "alpine:3" }] },
  status: {
    phase: "Succeeded",
    containerStatuses: [
      {
        name: "main",
        image: "alpine:3",
        imageID: "docker-pullable://alpine@sha256:3333",
        ready: false,
        started: false,
        restartCount: 0,
        state: { terminated: { exitCode: 0, reason: "Completed" } },
      },
    ],
  },
};

const notYetObserved: Pod = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "fresh", namespace: "default", uid: "u4" },
  spec: { containers: [{ name: "main", image: "alpine:3" }] },
};

const initializing: Pod = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "with-init", namespace: "default", uid: "u5" },
  spec: {
    initContainers: [{ name: "setup", image: "busybox:1.36" }],
    containers: [{ name: "main", image: "busybox:1.36" }],
  },
  status: {
    phase: "Pending",
    conditions: [
      {
        type: "Initialized",
        status: "False",
        reason: "ContainersNotInitialized",
        message: "containers with incomplete status: [setup]",
      },
    ],
    initContainerStatuses: [
      {
        name: "setup",
        image: "busybox:1.36",
        imageID: "sha256:4444",
        ready: false,
        started: false,
        restartCount: 2,
        state: { waiting: { reason: "CrashLoopBackOff", message: "back-off 20s" } },
      },
    ],
    containerStatuses: [
      {
        name: "main",
        image: "busybox:1.36",
        imageID: "",
        ready: false,
        started: false,
        restartCount: 0,
        state: { waiting: { reason: "PodInitializing" } },
      },
    ],
  },
};

const pods = { runningTwoContainers, refusedHostPath, completed, notYetObserved, initializing };

describe("pod codec", () => {
  for (const [name, pod] of Object.entries(pods)) {
    it(`round-trips ${name} through the message form`, () => {
      assert.deepEqual(podFromMessage(podToMessage(pod)), pod);
    });

    it(`round-trips ${name} through protobuf bytes`, () => {
      const podType = loadPodType();
      const wire = podType.serialize(podToMessage(pod));
      assert.deepEqual(podFromMessage(podType.deserialize(wire)), pod);
    });
  }

  it("carries the spec as the Kubernetes JSON", () => {
    const encoded = podToMessage(refusedHostPath);
    assert.deepEqual(JSON.parse(new TextDecoder().decode(encoded.spec_json)), refusedHostPath.spec);
  });

  it("writes a set oneof member and nothing for an unknown state", () => {
    const statuses = podToMessage(runningTwoContainers).status?.container_statuses;
    assert.deepEqual(statuses?.[0]?.state, { running: { started_at: "2024-05-01T10:00:02Z" } });
    assert.deepEqual(statuses?.[0]?.last_state, {});
  });

  it("refuses a message that is not a pod, naming the field", () => {
    assert.throws(() => podFromMessage("pod"), /expected a daemonlet\.v1\.Pod message/);
    assert.throws(() => podFromMessage({ metadata: { name: 7 } }), /field name: expected a string/);
    assert.throws(
      () => podFromMessage({ spec_json: new TextEncoder().encode('{"volumes":[]}') }),
      /field spec_json: expected a PodSpec/,
    );
  });
});
