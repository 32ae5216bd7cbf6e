import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { buildPodView, type PodStatusInput } from "./pod-status.js";
import type { DesiredPod } from "./pods/desired-pod.js";
import type { ObservedContainer } from "./runtime/runtime.js";

const NOW = Date.parse("2026-11-23T10:00:00Z");
const at = (secondsAgo: number) => new Date(NOW - secondsAgo * 1000);

const desired = (restartPolicy: "Always" | "Never" = "Always"): DesiredPod => ({
  uid: "u1",
  name: "tailer-n1",
  namespace: "default",
  nodeName: "n1",
  source: "static",
  sourceRef: "t.yaml",
  labels: { app: "tailer" },
  annotations: {},
  spec: {
    containers: [{ name: "app", image: "busybox:1.36", imagePullPolicy: "IfNotPresent" }],
    restartPolicy,
    terminationGracePeriodSeconds: 30,
  },
});

function c(over: Partial<ObservedContainer>): ObservedContainer {
  return {
    id: "abc",
    name: "dl_app",
    podUid: "u1",
    podName: "tailer-n1",
    namespace: "default",
    containerName: "app",
    node: "n1",
    specHash: "h",
    attempt: 0,
    gracePeriodSeconds: 30,
    image: "busybox:1.36",
    imageId: "sha256:1",
    state: "running",
    createdAt: at(60),
    startedAt: at(59),
    oomKilled: false,
    ipAddress: "172.17.0.5",
    ...over,
  };
}

function view(over: Partial<PodStatusInput>) {
  return buildPodView({
    uid: "u1",
    desired: desired(),
    observed: [],
    failures: new Map(),
    backoffUntil: new Map(),
    hostIP: "10.1.2.3",
    firstSeen: at(60),
    now: NOW,
    ...over,
  });
}

describe("buildPodView", () => {
  it("a pod whose containers run is Running and Ready, with the pod IP", () => {
    const pod = view({ observed: [c({})] });
    assert.equal(pod.status?.phase, "Running");
    assert.equal(pod.status?.podIP, "172.17.0.5");
    assert.equal(pod.status?.hostIP, "10.1.2.3");
    const ready = pod.status?.conditions?.find((x) => x.type === "Ready");
    assert.equal(ready?.status, "True");
    assert.deepEqual(pod.status?.containerStatuses?.[0]?.state, {
      running: { startedAt: "2026-11-23T09:59:01Z" },
    });
    assert.equal(pod.spec?.nodeName, "n1");
  });

  it("a pod with nothing created yet is Pending with ContainerCreating", () => {
    const pod = view({});
    assert.equal(pod.status?.phase, "Pending");
    assert.equal(pod.status?.containerStatuses?.[0]?.state?.waiting?.reason, "ContainerCreating");
    assert.equal(
      pod.status?.conditions?.find((x) => x.type === "Ready")?.reason,
      "ContainersNotReady",
    );
  });

  it("a crash-looping container waits in CrashLoopBackOff with its last termination", () => {
    const pod = view({
      observed: [c({ attempt: 3, state: "exited", exitCode: 2, finishedAt: at(5) })],
      backoffUntil: new Map([["app", NOW + 35_000]]),
    });
    const status = pod.status?.containerStatuses?.[0];
    assert.equal(status?.state?.waiting?.reason, "CrashLoopBackOff");
    assert.match(
      status?.state?.waiting?.message ?? "",
      /back-off 35s restarting failed container=app pod=tailer-n1_default\(u1\)/,
    );
    assert.equal(status?.restartCount, 3);
    assert.equal(status?.lastState?.terminated?.exitCode, 2);
    assert.equal(status?.lastState?.terminated?.reason, "Error");
    assert.equal(pod.status?.phase, "Running");
  });

  it("a running restarted container shows the previous attempt as lastState", () => {
    const pod = view({
      observed: [
        c({ attempt: 1, id: "new" }),
        c({ attempt: 0, id: "old", state: "exited", exitCode: 137, finishedAt: at(10) }),
      ],
    });
    const status = pod.status?.containerStatuses?.[0];
    assert.equal(status?.restartCount, 1);
    assert.equal(status?.containerID, "docker://new");
    assert.equal(status?.lastState?.terminated?.exitCode, 137);
  });

  it("a refused volume is the container's waiting reason, and the pod stays Pending", () => {
    const message =
      'HostPathNotAllowed: volume "etc": /etc is outside the allowed roots [/var/log]';
    const pod = view({
      failures: new Map([["app", { at: NOW, reason: "HostPathNotAllowed", message }]]),
    });
    assert.deepEqual(pod.status?.containerStatuses?.[0]?.state?.waiting, {
      reason: "HostPathNotAllowed",
      message,
    });
    assert.equal(pod.status?.phase, "Pending");
  });

  it("a failed pull reads ErrImagePull, then ImagePullBackOff while the back-off holds", () => {
    const message = 'failed to pull image "r:5000/x:1": manifest unknown';
    const failures = new Map([["app", { at: NOW, reason: "ErrImagePull", message }]]);
    const failed = view({ failures });
    assert.deepEqual(failed.status?.containerStatuses?.[0]?.state?.waiting, {
      reason: "ErrImagePull",
      message,
    });
    const held = view({ failures, backoffUntil: new Map([["app", NOW + 10_000]]) });
    assert.deepEqual(held.status?.containerStatuses?.[0]?.state?.waiting, {
      reason: "ImagePullBackOff",
      message,
    });
    assert.equal(held.status?.phase, "Pending");
  });

  it("a failed start reads RunContainerError with the engine's words", () => {
    const pod = view({
      observed: [c({ state: "created", startedAt: undefined, error: "unable to apply caps" })],
    });
    assert.deepEqual(pod.status?.containerStatuses?.[0]?.state?.waiting, {
      reason: "RunContainerError",
      message: "unable to apply caps",
    });
  });

  it("restartPolicy Never: all exited 0 is Succeeded, a failure is Failed", () => {
    const ok = view({
      desired: desired("Never"),
      observed: [c({ state: "exited", exitCode: 0, finishedAt: at(1) })],
    });
    assert.equal(ok.status?.phase, "Succeeded");
    assert.equal(ok.status?.containerStatuses?.[0]?.state?.terminated?.reason, "Completed");
    const bad = view({
      desired: desired("Never"),
      observed: [c({ state: "exited", exitCode: 1, finishedAt: at(1) })],
    });
    assert.equal(bad.status?.phase, "Failed");
  });

  it("condition transition times move only when the status changes", () => {
    const first = view({ observed: [c({})], now: NOW - 30_000 });
    const second = view({ observed: [c({})], previous: first });
    const t = (p: typeof first) =>
      p.status?.conditions?.find((x) => x.type === "Ready")?.lastTransitionTime;
    assert.equal(t(second), t(first));
    const third = view({
      observed: [c({ state: "exited", exitCode: 1, finishedAt: at(1) })],
      previous: second,
    });
    assert.notEqual(t(third), t(second));
  });

  it("a pod no source wants any more is shown as terminating", () => {
    const pod = view({ desired: undefined, observed: [c({})] });
    assert.ok(pod.metadata?.deletionTimestamp);
    assert.equal(pod.metadata?.name, "tailer-n1");
  });
});

describe("buildPodView while a step runs", () => {
  const pulling = new Map([
    ["app", { reason: "ContainerCreating", message: 'Pulling image "r:5000/x:1"' }],
  ]);

  it("a container whose image is being pulled waits in ContainerCreating, saying so", () => {
    const pod = view({ inProgress: pulling });
    assert.deepEqual(pod.status?.containerStatuses?.[0]?.state?.waiting, {
      reason: "ContainerCreating",
      message: 'Pulling image "r:5000/x:1"',
    });
    assert.equal(pod.status?.phase, "Pending");
  });

  it("a retried pull shows the pull under way, not the failure before it", () => {
    const pod = view({
      inProgress: pulling,
      failures: new Map([["app", { at: NOW - 20_000, reason: "ErrImagePull", message: "x" }]]),
    });
    assert.equal(
      pod.status?.containerStatuses?.[0]?.state?.waiting?.message,
      'Pulling image "r:5000/x:1"',
    );
  });

  it("a restart that pulls again keeps the last termination as lastState", () => {
    const pod = view({
      inProgress: pulling,
      observed: [c({ attempt: 2, state: "exited", exitCode: 1, finishedAt: at(3) })],
    });
    const status = pod.status?.containerStatuses?.[0];
    assert.equal(status?.state?.waiting?.reason, "ContainerCreating");
    assert.equal(status?.lastState?.terminated?.exitCode, 1);
    assert.equal(status?.restartCount, 2);
  });

  it("only the container being worked on shows it", () => {
    const two = desired();
    two.spec.containers.push({ name: "side", image: "busybox:1.36", imagePullPolicy: "Always" });
    const pod = view({
      desired: two,
      inProgress: pulling,
      observed: [c({ containerName: "side" })],
    });
    const [app, side] = pod.status?.containerStatuses ?? [];
    assert.equal(app?.state?.waiting?.message, 'Pulling image "r:5000/x:1"');
    assert.ok(side?.state?.running);
  });
});

describe("buildPodView with probes", () => {
  it("a running container is ready only when its readiness probe says so", () => {
    const notReady = view({ observed: [c({})], probes: () => ({ ready: false, started: true }) });
    assert.equal(notReady.status?.containerStatuses?.[0]?.ready, false);
    assert.equal(notReady.status?.conditions?.find((x) => x.type === "Ready")?.status, "False");
    assert.equal(notReady.status?.phase, "Running");
    const ready = view({ observed: [c({})], probes: () => ({ ready: true, started: true }) });
    assert.equal(ready.status?.conditions?.find((x) => x.type === "Ready")?.status, "True");
  });

  it("a container whose startup probe has not passed is not started", () => {
    const pod = view({ observed: [c({})], probes: () => ({ ready: false, started: false }) });
    assert.equal(pod.status?.containerStatuses?.[0]?.started, false);
  });
});

describe("buildPodView: init containers", () => {
  const withInits = (restartPolicy: "Always" | "Never" = "Always"): DesiredPod => {
    const d = desired(restartPolicy);
    const init = (name: string) => ({
      name,
      image: "busybox:1.36",
      imagePullPolicy: "IfNotPresent" as const,
    });
    return { ...d, spec: { ...d.spec, initContainers: [init("first"), init("second")] } };
  };
  const initC = (name: string, over: Partial<ObservedContainer>) =>
    c({ id: `${name}-id`, containerName: name, ...over });
  const completed = (name: string) =>
    initC(name, { state: "exited", exitCode: 0, startedAt: at(50), finishedAt: at(45) });
  const condition = (pod: ReturnType<typeof view>, type: string) =>
    pod.status?.conditions?.find((x) => x.type === type);

  it("before anything ran: Pending, not Initialized, everything PodInitializing", () => {
    const pod = view({ desired: withInits() });
    assert.equal(pod.status?.phase, "Pending");
    assert.deepEqual(
      [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])].map(
        (s) => s.state?.waiting?.reason,
      ),
      ["PodInitializing", "PodInitializing", "PodInitializing"],
    );
    const initialized = condition(pod, "Initialized");
    assert.equal(initialized?.status, "False");
    assert.equal(initialized?.reason, "ContainersNotInitialized");
    assert.equal(initialized?.message, "containers with incomplete status: [first second]");
  });

  it("a completed init container is ready and terminated Completed; the next one runs", () => {
    const pod = view({
      desired: withInits(),
      observed: [completed("first"), initC("second", { startedAt: at(2) })],
    });
    const [first, second] = pod.status?.initContainerStatuses ?? [];
    assert.equal(first?.state?.terminated?.reason, "Completed");
    assert.equal(first?.ready, true);
    assert.equal(first?.started, false);
    assert.ok(second?.state?.running);
    assert.equal(second?.ready, false);
    assert.equal(second?.started, true);
    assert.equal(
      condition(pod, "Initialized")?.message,
      "containers with incomplete status: [second]",
    );
    assert.equal(pod.status?.phase, "Pending");
  });

  it("a failing init container shows CrashLoopBackOff with its restarts", () => {
    const pod = view({
      desired: withInits(),
      observed: [initC("first", { attempt: 2, state: "exited", exitCode: 1, finishedAt: at(3) })],
      backoffUntil: new Map([["first", NOW + 17_000]]),
    });
    const [first] = pod.status?.initContainerStatuses ?? [];
    assert.equal(first?.state?.waiting?.reason, "CrashLoopBackOff");
    assert.equal(first?.restartCount, 2);
    assert.equal(first?.lastState?.terminated?.exitCode, 1);
    assert.equal(pod.status?.phase, "Pending");
  });

  it("with restartPolicy Never a failed init container fails the pod", () => {
    const pod = view({
      desired: withInits("Never"),
      observed: [initC("first", { state: "exited", exitCode: 1, finishedAt: at(3) })],
    });
    assert.equal(pod.status?.phase, "Failed");
    assert.equal(pod.status?.initContainerStatuses?.[0]?.state?.terminated?.reason, "Error");
  });

  it("once every init container completed: Initialized, app containers run", () => {
    const pod = view({
      desired: withInits(),
      observed: [completed("first"), completed("second"), c({})],
    });
    assert.equal(condition(pod, "Initialized")?.status, "True");
    assert.equal(pod.status?.phase, "Running");
    assert.equal(condition(pod, "Ready")?.status, "True");
    assert.deepEqual(
      pod.status?.initContainerStatuses?.map((s) => s.ready),
      [true, true],
    );
  });

  it("a pod without init containers reports no initContainerStatuses", () => {
    assert.equal(view({ observed: [c({})] }).status?.initContainerStatuses, undefined);
  });
});
