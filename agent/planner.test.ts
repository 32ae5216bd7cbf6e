import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { planPod, type PodPlanInput, type Step } from "./planner.js";
import { podContainers, type DefaultedContainer, type DesiredPod } from "./pods/desired-pod.js";
import type { ObservedContainer } from "./runtime/runtime.js";
import { specHash } from "./pods/spec-hash.js";

const NOW = Date.parse("2026-11-23T10:00:00Z");
const at = (secondsAgo: number) => new Date(NOW - secondsAgo * 1000);

function container(name: string, image = "busybox:1.36"): DefaultedContainer {
  return { name, image, imagePullPolicy: "IfNotPresent" };
}

function pod(
  containers: DefaultedContainer[],
  restartPolicy: "Always" | "OnFailure" | "Never" = "Always",
): DesiredPod {
  return {
    uid: "uid-1",
    name: "tailer-n1",
    namespace: "default",
    nodeName: "n1",
    source: "static",
    sourceRef: "tailer.yaml",
    labels: {},
    annotations: {},
    spec: { containers, restartPolicy, terminationGracePeriodSeconds: 30 },
  };
}

function observed(
  p: DesiredPod,
  name: string,
  over: Partial<ObservedContainer> = {},
): ObservedContainer {
  const spec = podContainers(p).find((c) => c.name === name) ?? container(name);
  return {
    id: `${name}-${over.attempt ?? 0}`,
    name: `dl_${name}`,
    podUid: p.uid,
    podName: p.name,
    namespace: p.namespace,
    containerName: name,
    node: "n1",
    specHash: specHash(p, spec),
    attempt: 0,
    gracePeriodSeconds: 30,
    image: spec.image ?? "",
    imageId: "sha256:1",
    state: "running",
    createdAt: at(100),
    startedAt: at(99),
    oomKilled: false,
    ...over,
  };
}

function plan(over: Partial<PodPlanInput>): Step[] {
  return planPod({
    uid: "uid-1",
    observed: [],
    failures: new Map(),
    backoffMs: new Map(),
    waitForPredecessor: false,
    now: NOW,
    ...over,
  });
}

/** A step reduced to what the tables compare: kind, container and the deciding detail. */
function brief(s: Step): string {
  switch (s.kind) {
    case "kill":
    case "remove":
    case "start":
      return `${s.kind} ${s.container.id}`;
    case "run":
      return `run ${s.container.name}#${s.attempt} backoff=${s.backoff}`;
    case "wait":
      return `wait ${s.containerName} ${Number.isFinite(s.until) ? `${(s.until - NOW) / 1000}s` : "forever"}`;
    case "cleanup":
      return "cleanup";
  }
}

describe("planPod", () => {
  const one = pod([container("app")]);
  const two = pod([container("app"), container("sidecar")]);
  const cases: { name: string; input: Partial<PodPlanInput>; want: string[] }[] = [
    {
      name: "new pod runs every container",
      input: { desired: two },
      want: ["run app#0 backoff=none", "run sidecar#0 backoff=none"],
    },
    {
      name: "running container with the same hash is adopted",
      input: { desired: one, observed: [observed(one, "app")] },
      want: [],
    },
    {
      name: "changed spec replaces the container with the pod's grace period",
      input: { desired: one, observed: [observed(one, "app", { specHash: "old" })] },
      want: ["kill app-0", "remove app-0", "run app#1 backoff=none"],
    },
    {
      name: "first crash restarts at once",
      input: {
        desired: one,
        observed: [observed(one, "app", { state: "exited", exitCode: 1, finishedAt: at(1) })],
      },
      want: ["run app#1 backoff=count"],
    },
    {
      name: "crash inside the back-off waits for the rest of it",
      input: {
        desired: one,
        observed: [
          observed(one, "app", { attempt: 2, state: "exited", exitCode: 1, finishedAt: at(5) }),
        ],
        backoffMs: new Map([["app", 20_000]]),
      },
      want: ["wait app 15s"],
    },
    {
      name: "crash after the back-off ran out restarts",
      input: {
        desired: one,
        observed: [
          observed(one, "app", { attempt: 2, state: "exited", exitCode: 1, finishedAt: at(25) }),
        ],
        backoffMs: new Map([["app", 20_000]]),
      },
      want: ["run app#3 backoff=count"],
    },
    {
      name: "a container that ran 10 minutes resets the back-off",
      input: {
        desired: one,
        observed: [
          observed(one, "app", {
            attempt: 4,
            state: "exited",
            exitCode: 1,
            startedAt: at(700),
            finishedAt: at(1),
          }),
        ],
        backoffMs: new Map([["app", 160_000]]),
      },
      want: ["run app#5 backoff=reset"],
    },
    {
      name: "OnFailure leaves a clean exit alone",
      input: {
        desired: pod([container("app")], "OnFailure"),
        observed: [
          observed(pod([container("app")], "OnFailure"), "app", {
            state: "exited",
            exitCode: 0,
            finishedAt: at(1),
          }),
        ],
      },
      want: [],
    },
    {
      name: "OnFailure restarts a failed exit",
      input: {
        desired: pod([container("app")], "OnFailure"),
        observed: [
          observed(pod([container("app")], "OnFailure"), "app", {
            state: "exited",
            exitCode: 2,
            finishedAt: at(1),
          }),
        ],
      },
      want: ["run app#1 backoff=count"],
    },
    {
      name: "Never leaves a failed exit alone",
      input: {
        desired: pod([container("app")], "Never"),
        observed: [
          observed(pod([container("app")], "Never"), "app", {
            state: "exited",
            exitCode: 2,
            finishedAt: at(1),
          }),
        ],
      },
      want: [],
    },
    {
      name: "created but never started (agent died in between) is started",
      input: {
        desired: one,
        observed: [observed(one, "app", { state: "created", startedAt: undefined })],
      },
      want: ["start app-0"],
    },
    {
      name: "a failed start counts as a crash",
      input: {
        desired: one,
        observed: [
          observed(one, "app", {
            state: "created",
            startedAt: undefined,
            error: "unable to apply caps",
          }),
        ],
      },
      want: ["run app#1 backoff=count"],
    },
    {
      name: "old attempts go, the newest finished one stays for logs --previous",
      input: {
        desired: one,
        observed: [
          observed(one, "app", { attempt: 3 }),
          observed(one, "app", { attempt: 2, state: "exited", exitCode: 1, finishedAt: at(20) }),
          observed(one, "app", { attempt: 1, state: "exited", exitCode: 1, finishedAt: at(40) }),
        ],
      },
      want: ["remove app-1"],
    },
    {
      name: "a container no longer in the spec is stopped and removed",
      input: { desired: one, observed: [observed(one, "app"), observed(two, "sidecar")] },
      want: ["kill sidecar-0", "remove sidecar-0"],
    },
    {
      name: "a pod no source wants is stopped, then removed",
      input: {
        observed: [
          observed(one, "app"),
          observed(one, "app", { attempt: 1, id: "app-old", state: "exited", exitCode: 0 }),
        ],
      },
      want: ["kill app-0", "remove app-0", "remove app-old"],
    },
    { name: "a gone pod with no containers left is cleaned up", input: {}, want: ["cleanup"] },
    {
      name: "a failure before anything ran waits for its back-off",
      input: {
        desired: one,
        failures: new Map([
          ["app", { at: NOW - 4000, reason: "ErrImageNeverPull", message: "not present" }],
        ]),
        backoffMs: new Map([["app", 10_000]]),
      },
      want: ["wait app 6s"],
    },
    {
      name: "a failure whose back-off ran out is retried without counting again",
      input: {
        desired: one,
        failures: new Map([
          ["app", { at: NOW - 11_000, reason: "ErrImagePull", message: "no such host" }],
        ]),
        backoffMs: new Map([["app", 10_000]]),
      },
      want: ["run app#0 backoff=none"],
    },
    {
      name: "a failed liveness probe kills the running container; the exit restarts it",
      input: {
        desired: one,
        observed: [observed(one, "app")],
        livenessFailures: new Map([
          ["app", { message: "Liveness probe failed: HTTP probe failed with statuscode: 500" }],
        ]),
      },
      want: ["kill app-0"],
    },
    {
      name: "a replacement waits while the previous pod of the same name terminates",
      input: { desired: one, waitForPredecessor: true },
      want: ["wait app forever"],
    },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(plan(c.input).map(brief), c.want));
  }

  it("kills with the grace period recorded on the container when the pod is gone", () => {
    const [kill] = plan({ observed: [observed(one, "app", { gracePeriodSeconds: 7 })] });
    assert.equal(kill?.kind === "kill" && kill.gracePeriodSeconds, 7);
  });
});

describe("planPod: init containers", () => {
  const withInits = (restartPolicy: "Always" | "OnFailure" | "Never" = "Always"): DesiredPod => {
    const p = pod([container("app"), container("sidecar")], restartPolicy);
    return { ...p, spec: { ...p.spec, initContainers: [container("first"), container("second")] } };
  };
  const p = withInits();
  const done = (name: string, over: Partial<ObservedContainer> = {}) =>
    observed(p, name, { state: "exited", exitCode: 0, finishedAt: at(50), ...over });
  const failed = (name: string, over: Partial<ObservedContainer> = {}) =>
    observed(p, name, { state: "exited", exitCode: 1, finishedAt: at(5), ...over });
  const cases: { name: string; input: Partial<PodPlanInput>; want: string[] }[] = [
    {
      name: "a new pod runs only the first init container",
      input: { desired: p },
      want: ["run first#0 backoff=none"],
    },
    {
      name: "a running init container is waited for",
      input: { desired: p, observed: [observed(p, "first")] },
      want: [],
    },
    {
      name: "the next init container runs once the previous one completed",
      input: { desired: p, observed: [done("first")] },
      want: ["run second#0 backoff=none"],
    },
    {
      name: "app containers run once every init container completed",
      input: { desired: p, observed: [done("first"), done("second")] },
      want: ["run app#0 backoff=none", "run sidecar#0 backoff=none"],
    },
    {
      name: "a failed init container is retried at once the first time",
      input: { desired: p, observed: [failed("first")] },
      want: ["run first#1 backoff=count"],
    },
    {
      name: "a failed init container waits out its back-off, and nothing after it runs",
      input: {
        desired: p,
        observed: [failed("first", { attempt: 3 })],
        backoffMs: new Map([["first", 40_000]]),
      },
      want: ["wait first 35s"],
    },
    {
      name: "OnFailure retries a failed init container too",
      input: {
        desired: withInits("OnFailure"),
        observed: [
          observed(withInits("OnFailure"), "first", {
            state: "exited",
            exitCode: 1,
            finishedAt: at(5),
          }),
        ],
      },
      want: ["run first#1 backoff=count"],
    },
    {
      name: "Never leaves a failed init container alone: the pod has failed",
      input: {
        desired: withInits("Never"),
        observed: [
          observed(withInits("Never"), "first", {
            state: "exited",
            exitCode: 1,
            finishedAt: at(5),
          }),
        ],
      },
      want: [],
    },
    {
      name: "an init container that could not start is retried with back-off",
      input: {
        desired: p,
        observed: [
          observed(p, "first", {
            state: "created",
            error: "no such file",
            createdAt: at(0),
            startedAt: undefined,
          }),
        ],
        backoffMs: new Map([["first", 10_000]]),
      },
      want: ["wait first 10s"],
    },
    {
      name: "an init container created but not started is started",
      input: {
        desired: p,
        observed: [observed(p, "first", { state: "created", startedAt: undefined })],
      },
      want: ["start first-0"],
    },
    {
      name: "a changed spec replaces a running init container",
      input: { desired: p, observed: [observed(p, "first", { specHash: "old" })] },
      want: ["kill first-0", "remove first-0", "run first#1 backoff=none"],
    },
    {
      name: "a completed init container stays completed when its spec changes",
      input: { desired: p, observed: [done("first", { specHash: "old" })] },
      want: ["run second#0 backoff=none"],
    },
    {
      name: "init containers never run again once an app container exists",
      input: { desired: p, observed: [observed(p, "app"), observed(p, "sidecar")] },
      want: [],
    },
    {
      name: "a crashed app container restarts without re-running init containers",
      input: {
        desired: p,
        observed: [
          done("first"),
          done("second"),
          observed(p, "app", { state: "exited", exitCode: 1, finishedAt: at(1) }),
          observed(p, "sidecar"),
        ],
      },
      want: ["run app#1 backoff=count"],
    },
    {
      name: "superseded init attempts are removed, the newest finished one is kept",
      input: {
        desired: p,
        observed: [
          failed("first", { attempt: 0 }),
          failed("first", { attempt: 1 }),
          observed(p, "first", { attempt: 2 }),
        ],
      },
      want: ["remove first-0"],
    },
    {
      name: "the first init container waits for a predecessor pod to go",
      input: { desired: p, waitForPredecessor: true },
      want: ["wait first forever"],
    },
    {
      name: "a container in neither list goes",
      input: { desired: p, observed: [observed(p, "old-init", { state: "exited", exitCode: 0 })] },
      want: ["remove old-init-0", "run first#0 backoff=none"],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(plan(c.input).map(brief), c.want);
    });
  }
});
