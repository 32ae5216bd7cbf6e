import { describe, it } from "node:test";
import assert from "node:assert/strict";
import winston from "winston";
import { PodCache } from "./pod-cache.js";
import { PodWorker } from "./pod-worker.js";
import type { DesiredPod } from "./pods/desired-pod.js";
import { specHash } from "./pods/spec-hash.js";
import type { Step } from "./planner.js";
import type { ObservedContainer } from "./runtime/runtime.js";

const POD: DesiredPod = {
  uid: "uid-1",
  name: "web-n1",
  namespace: "default",
  nodeName: "n1",
  source: "static",
  sourceRef: "web.yaml",
  labels: {},
  annotations: {},
  spec: {
    containers: [{ name: "web", image: "busybox:1.36", imagePullPolicy: "IfNotPresent" }],
    restartPolicy: "Always",
    terminationGracePeriodSeconds: 30,
  },
};

function running(attempt: number): ObservedContainer {
  const spec = POD.spec.containers[0]!;
  return {
    id: `web-${attempt}`,
    name: `dl_web_${attempt}`,
    podUid: POD.uid,
    podName: POD.name,
    namespace: POD.namespace,
    containerName: "web",
    node: "n1",
    specHash: specHash(POD, spec),
    attempt,
    gracePeriodSeconds: 30,
    image: spec.image,
    imageId: "sha256:1",
    state: "running",
    createdAt: new Date(),
    startedAt: new Date(),
    oomKilled: false,
  };
}

/**
 * A worker for POD over a fake engine (`containers`), the real PodCache fed by `relist`, and an
 * executor that creates a running container for each run step. With `relistDuringRun`, a relist
 * is requested while the step is under way (before its container exists) and answers as the
 * step ends, before the worker's next round.
 */
function harness({ relistDuringRun = false } = {}) {
  const containers: ObservedContainer[] = [];
  const cache = new PodCache();
  const executed: Step["kind"][] = [];
  let lists = 0;
  /** A node relist requested now; it answers (with what it saw now) when the result is called. */
  const relist = () => {
    const at = cache.tick();
    const seen = [...containers];
    return () => cache.update(at, new Map(seen.length > 0 ? [[POD.uid, seen]] : []));
  };
  const worker = new PodWorker(POD.uid, {
    node: "n1",
    hostIP: "10.0.0.1",
    logger: winston.createLogger({ silent: true }),
    backoff: { delayMs: () => undefined },
    executor: {
      execute: (step: Step) => {
        executed.push(step.kind);
        if (step.kind === "run") {
          const answer = relistDuringRun ? relist() : undefined;
          containers.push(running(step.attempt));
          answer?.();
        }
        return Promise.resolve({ ok: true });
      },
    },
    probes: { sync: () => {}, status: () => ({ ready: false, started: false }) },
    cache,
    listContainers: () => {
      lists++;
      return Promise.resolve([...containers]);
    },
    desired: () => POD,
    mayRemove: () => true,
    hasPredecessor: () => false,
    onFinished: () => {},
    onViewUpdated: () => {},
  });
  /** Requests a sync and lets it run to the end: every fake answers at once, so a turn does. */
  const sync = async () => {
    worker.requestSync();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { containers, executed, relist, sync, lists: () => lists, worker };
}

describe("PodWorker: what a sync plans on", () => {
  it("plans a resync on the observer's relist, without asking the engine", async () => {
    const h = harness();
    h.containers.push(running(0));
    h.relist()();
    await h.sync();
    await h.sync();
    assert.equal(h.lists(), 0);
    assert.deepEqual(h.executed, []);
    h.worker.stop();
  });

  it("lists for itself after acting, so it sees the container it created", async () => {
    const h = harness();
    h.relist()();
    await h.sync();
    assert.deepEqual(h.executed, ["run"], "one container, not a second from the older relist");
    assert.equal(h.lists(), 1);
    // Asked again before the observer relisted: the relist is still older than the create.
    await h.sync();
    assert.deepEqual(h.executed, ["run"]);
    assert.equal(h.lists(), 2);
    // A relist requested after the create serves it again.
    h.relist()();
    await h.sync();
    assert.deepEqual(h.executed, ["run"]);
    assert.equal(h.lists(), 2);
    h.worker.stop();
  });

  it("does not plan on a relist requested while its action was under way", async () => {
    const h = harness({ relistDuringRun: true });
    h.relist()();
    await h.sync();
    assert.deepEqual(h.executed, ["run"], "the relist answered without the new container");
    assert.equal(h.lists(), 1);
    h.worker.stop();
  });
});
