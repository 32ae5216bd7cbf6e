import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { DesiredPod } from "../pods/desired-pod.js";
import { PodAdmitter } from "./pod-admitter.js";

const now = new Date("2024-05-06T12:00:00Z");

function pod(uid: string, cpu: string, source: DesiredPod["source"] = "hub"): DesiredPod {
  return {
    uid,
    name: `p-${uid}`,
    namespace: "default",
    nodeName: "n1",
    source,
    sourceRef: "hub",
    labels: {},
    annotations: {},
    spec: {
      restartPolicy: "Always",
      terminationGracePeriodSeconds: 30,
      containers: [
        {
          name: "c",
          image: "busybox:1.36",
          imagePullPolicy: "IfNotPresent",
          resources: { requests: { cpu } },
        },
      ],
    },
  };
}

const uids = (pods: DesiredPod[]) => pods.map((p) => p.uid);

describe("pod admitter", () => {
  it("admits in order until the node is full, and reports the rest Failed", () => {
    const a = new PodAdmitter({ cpuMillis: 2000, memoryBytes: 2 ** 30, pods: 110 });
    assert.deepEqual(
      uids(a.filter([pod("1", "1"), pod("2", "1500m"), pod("3", "1")], new Set(), now)),
      ["1", "3"],
    );
    const [rejected] = a.rejectedPods();
    assert.equal(rejected?.metadata?.uid, "2");
    assert.equal(rejected?.status?.phase, "Failed");
    assert.equal(rejected?.status?.reason, "OutOfcpu");
    assert.deepEqual(a.allocated(), { cpuMillis: 2000, memoryBytes: 0, pods: 2 });
  });

  it("keeps its decisions: a rejected pod stays rejected when room frees up", () => {
    const a = new PodAdmitter({ cpuMillis: 1000, memoryBytes: 2 ** 30, pods: 110 });
    a.filter([pod("1", "1"), pod("2", "1")], new Set(), now);
    assert.deepEqual(uids(a.filter([pod("2", "1")], new Set(), now)), []);
    assert.deepEqual(uids(a.filter([pod("3", "1")], new Set(), now)), ["3"]);
    assert.deepEqual(a.rejectedPods(), []);
  });

  it("admits pods that already have containers whatever they request (an agent restart)", () => {
    const a = new PodAdmitter({ cpuMillis: 1000, memoryBytes: 2 ** 30, pods: 110 });
    assert.deepEqual(uids(a.filter([pod("big", "8")], new Set(["big"]), now)), ["big"]);
  });

  it("considers static pods before hub pods", () => {
    const a = new PodAdmitter({ cpuMillis: 1000, memoryBytes: 2 ** 30, pods: 110 });
    const admitted = a.filter([pod("hub", "1"), pod("static", "1", "static")], new Set(), now);
    assert.deepEqual(uids(admitted), ["static"]);
  });
});
