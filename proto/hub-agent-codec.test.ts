import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Pod } from "kubernetes-types/core/v1.js";
import { HubAgentCodec } from "./hub-agent-codec.js";
import {
  PROTOCOL_VERSION,
  isProtocolError,
  type AgentFrame,
  type AssignedPod,
  type HubFrame,
} from "./hub-agent-frames.js";
import { loadHubAgentFrames } from "./load.js";

const codec = new HubAgentCodec();

const pod: AssignedPod = {
  uid: "5f0c1a2b-0000-4000-8000-000000000001",
  name: "node-exporter-web1",
  namespace: "monitoring",
  labels: { app: "node-exporter" },
  annotations: { "daemonlet.io/revision": "3" },
  spec: {
    nodeName: "web1",
    restartPolicy: "Always",
    terminationGracePeriodSeconds: 30,
    containers: [
      { name: "exporter", image: "prom/node-exporter:v1.8.0", imagePullPolicy: "IfNotPresent" },
    ],
  },
};

const runningPod: Pod = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "node-exporter-web1", namespace: "monitoring", uid: pod.uid },
  spec: pod.spec,
  status: { phase: "Running", hostIP: "10.0.0.5" },
};

const agentFrames: AgentFrame[] = [
  {
    kind: "hello",
    hello: {
      protocolVersion: PROTOCOL_VERSION,
      nodeName: "web1",
      agentVersion: "0.1.0",
      labels: { "kubernetes.io/os": "linux" },
      capacity: { cpu: "8", memory: "31Gi", pods: "110" },
      addresses: [{ type: "InternalIP", address: "10.0.0.5" }],
      nodeInfo: {
        osImage: "Debian GNU/Linux 12",
        kernelVersion: "6.1.0-18-amd64",
        architecture: "amd64",
        containerRuntimeVersion: "docker://27.1.1",
      },
      runningPodUids: [pod.uid],
      registerTaints: [
        { key: "dedicated", value: "infra", effect: "NoSchedule" },
        { key: "gpu", effect: "NoExecute" },
      ],
      lastAppliedVersion: 2 ** 40,
    },
  },
  { kind: "ack", version: 7 },
  { kind: "podStatus", pods: [runningPod], goneUids: ["gone-1"] },
  {
    kind: "heartbeat",
    heartbeat: {
      time: "2024-05-01T10:00:00.000Z",
      conditions: [
        { type: "Ready", status: "True" },
        {
          type: "DiskPressure",
          status: "True",
          reason: "KubeletHasDiskPressure",
          message: "92% used",
        },
      ],
    },
  },
];

const hubFrames: HubFrame[] = [
  {
    kind: "welcome",
    protocolVersion: PROTOCOL_VERSION,
    hubVersion: "0.1.0",
    heartbeatIntervalSeconds: 10,
  },
  { kind: "snapshot", version: 1, pods: [pod] },
  { kind: "delta", version: 2, upserts: [pod], removedUids: ["old"] },
  { kind: "error", code: "Replaced", message: "another connection took over" },
];

describe("agent protocol codec", () => {
  for (const frame of agentFrames) {
    it(`round-trips an agent's ${frame.kind} frame`, () => {
      assert.deepEqual(codec.decodeAgentFrame(codec.encodeAgentFrame(frame)), frame);
    });
  }

  for (const frame of hubFrames) {
    it(`round-trips a hub's ${frame.kind} frame`, () => {
      assert.deepEqual(codec.decodeHubFrame(codec.encodeHubFrame(frame)), frame);
    });
  }

  const malformed: [string, Uint8Array][] = [
    ["bytes that are not protobuf", new Uint8Array([0xff, 0xff, 0xff])],
    ["an empty frame", new Uint8Array()],
    // Field 9 of AgentFrame, length-delimited and empty: a body from a newer protocol.
    ["a body this version does not know", new Uint8Array([0x4a, 0x00])],
  ];
  for (const [what, data] of malformed) {
    it(`refuses ${what} as MalformedFrame`, () => {
      assert.throws(
        () => codec.decodeAgentFrame(data),
        (e) => isProtocolError(e, "MalformedFrame"),
      );
      assert.throws(
        () => codec.decodeHubFrame(data),
        (e) => isProtocolError(e, "MalformedFrame"),
      );
    });
  }

  it("names the field of a pod status that is not a pod", () => {
    const { agentFrame } = loadHubAgentFrames();
    const specWithoutContainers = new TextEncoder().encode('{"volumes":[]}');
    const data = agentFrame.serialize({
      pod_status: {
        pods: [{ ...podMessageStub(), spec_json: specWithoutContainers }],
        gone_uids: [],
      },
    });
    assert.throws(() => codec.decodeAgentFrame(data), /malformed AgentFrame: field spec_json/);
  });

  it("refuses an assigned pod whose spec is not JSON", () => {
    const { hubFrame } = loadHubAgentFrames();
    const data = hubFrame.serialize({
      snapshot: {
        version: 1,
        pods: [
          {
            uid: "u",
            name: "n",
            namespace: "d",
            labels: {},
            annotations: {},
            spec_json: new TextEncoder().encode("{"),
          },
        ],
      },
    });
    assert.throws(() => codec.decodeHubFrame(data), /field spec_json: not JSON/);
  });
});

function podMessageStub() {
  return {
    metadata: {
      name: "x",
      namespace: "d",
      uid: "u",
      labels: {},
      annotations: {},
      creation_timestamp: "",
      deletion_timestamp: "",
    },
  };
}
