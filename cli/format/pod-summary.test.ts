import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ContainerStatus, Pod, PodStatus } from "kubernetes-types/core/v1.js";
import { summarizePod, type PodSummary } from "./pod-summary.js";

const now = new Date("2024-05-01T12:00:00Z");

function container(name: string, fields: Partial<ContainerStatus> = {}): ContainerStatus {
  return { name, image: "busybox", imageID: "", ready: false, restartCount: 0, ...fields };
}

const running = (name: string, extra: Partial<ContainerStatus> = {}) =>
  container(name, {
    ready: true,
    state: { running: { startedAt: "2024-05-01T11:00:00Z" } },
    ...extra,
  });
const waiting = (name: string, reason: string) =>
  container(name, { state: { waiting: { reason } } });
const terminated = (
  name: string,
  exitCode: number,
  extra: { reason?: string; signal?: number } = {},
) => container(name, { state: { terminated: { exitCode, ...extra } } });

function pod(
  status: PodStatus | undefined,
  extra: { containers?: number; initContainers?: number; deleting?: boolean } = {},
): Pod {
  const containers = Array.from({ length: extra.containers ?? 1 }, (_, i) => ({ name: `c${i}` }));
  const inits = Array.from({ length: extra.initContainers ?? 0 }, (_, i) => ({ name: `i${i}` }));
  return {
    metadata: {
      name: "p",
      ...(extra.deleting ? { deletionTimestamp: "2024-05-01T11:59:00Z" } : {}),
    },
    spec: { containers, ...(inits.length > 0 && { initContainers: inits }) },
    ...(status === undefined ? {} : { status }),
  };
}

const cases: [string, Pod, PodSummary][] = [
  [
    "a running ready container",
    pod({ phase: "Running", containerStatuses: [running("c0")] }),
    { ready: "1/1", status: "Running", restarts: "0" },
  ],
  [
    "a container being created",
    pod({ phase: "Pending", containerStatuses: [waiting("c0", "ContainerCreating")] }),
    { ready: "0/1", status: "ContainerCreating", restarts: "0" },
  ],
  [
    "an image the policy forbids pulling",
    pod({ phase: "Pending", containerStatuses: [waiting("c0", "ErrImageNeverPull")] }),
    { ready: "0/1", status: "ErrImageNeverPull", restarts: "0" },
  ],
  [
    "a refused hostPath",
    pod({ phase: "Pending", containerStatuses: [waiting("c0", "HostPathNotAllowed")] }),
    { ready: "0/1", status: "HostPathNotAllowed", restarts: "0" },
  ],
  [
    "a crash loop, with the age of the last restart",
    pod({
      phase: "Running",
      containerStatuses: [
        container("c0", {
          restartCount: 3,
          state: { waiting: { reason: "CrashLoopBackOff" } },
          lastState: {
            terminated: { exitCode: 1, reason: "Error", finishedAt: "2024-05-01T11:59:35Z" },
          },
        }),
      ],
    }),
    { ready: "0/1", status: "CrashLoopBackOff", restarts: "3 (25s ago)" },
  ],
  [
    "restarts summed over containers, aged by the latest",
    pod(
      {
        phase: "Running",
        containerStatuses: [
          running("c0", {
            restartCount: 2,
            lastState: { terminated: { exitCode: 1, finishedAt: "2024-05-01T09:00:00Z" } },
          }),
          running("c1", {
            restartCount: 1,
            lastState: { terminated: { exitCode: 1, finishedAt: "2024-05-01T11:00:00Z" } },
          }),
        ],
      },
      { containers: 2 },
    ),
    { ready: "2/2", status: "Running", restarts: "3 (60m ago)" },
  ],
  [
    "restarts without a recorded end",
    pod({ phase: "Running", containerStatuses: [running("c0", { restartCount: 2 })] }),
    { ready: "1/1", status: "Running", restarts: "2" },
  ],
  [
    "an exit without a reason",
    pod({ phase: "Running", containerStatuses: [terminated("c0", 2)] }),
    { ready: "0/1", status: "ExitCode:2", restarts: "0" },
  ],
  [
    "a kill without a reason",
    pod({ phase: "Running", containerStatuses: [terminated("c0", 137, { signal: 9 })] }),
    { ready: "0/1", status: "Signal:9", restarts: "0" },
  ],
  [
    "a terminated reason",
    pod({ phase: "Running", containerStatuses: [terminated("c0", 137, { reason: "OOMKilled" })] }),
    { ready: "0/1", status: "OOMKilled", restarts: "0" },
  ],
  [
    "a pod that completed",
    pod({ phase: "Succeeded", containerStatuses: [terminated("c0", 0, { reason: "Completed" })] }),
    { ready: "0/1", status: "Completed", restarts: "0" },
  ],
  [
    "a completed container beside a running one, pod Ready",
    pod(
      {
        phase: "Running",
        conditions: [{ type: "Ready", status: "True" }],
        containerStatuses: [terminated("c0", 0, { reason: "Completed" }), running("c1")],
      },
      { containers: 2 },
    ),
    { ready: "1/2", status: "Running", restarts: "0" },
  ],
  [
    "a completed container beside a running one, pod not Ready",
    pod(
      {
        phase: "Running",
        containerStatuses: [terminated("c0", 0, { reason: "Completed" }), running("c1")],
      },
      { containers: 2 },
    ),
    { ready: "1/2", status: "NotReady", restarts: "0" },
  ],
  [
    "the first container's reason over a later one's",
    pod(
      {
        phase: "Pending",
        containerStatuses: [waiting("c0", "CrashLoopBackOff"), waiting("c1", "ErrImageNeverPull")],
      },
      { containers: 2 },
    ),
    { ready: "0/2", status: "CrashLoopBackOff", restarts: "0" },
  ],
  [
    "the pod's own reason",
    pod({ phase: "Failed", reason: "Evicted" }),
    { ready: "0/1", status: "Evicted", restarts: "0" },
  ],
  [
    "a pod being deleted",
    pod({ phase: "Running", containerStatuses: [running("c0")] }, { deleting: true }),
    { ready: "1/1", status: "Terminating", restarts: "0" },
  ],
  [
    "a finished pod being deleted",
    pod(
      { phase: "Succeeded", containerStatuses: [terminated("c0", 0, { reason: "Completed" })] },
      { deleting: true },
    ),
    { ready: "0/1", status: "Completed", restarts: "0" },
  ],
  [
    "a pod deleted on a lost node",
    pod({ phase: "Running", reason: "NodeLost" }, { deleting: true }),
    { ready: "0/1", status: "Unknown", restarts: "0" },
  ],
  ["a pod not observed yet", pod(undefined), { ready: "0/1", status: "", restarts: "0" }],
  [
    "the first of two init containers running",
    pod(
      {
        phase: "Pending",
        initContainerStatuses: [running("i0", { ready: false }), waiting("i1", "PodInitializing")],
        containerStatuses: [waiting("c0", "PodInitializing")],
      },
      { initContainers: 2 },
    ),
    { ready: "0/1", status: "Init:0/2", restarts: "0" },
  ],
  [
    "the second init container running after the first completed",
    pod(
      {
        phase: "Pending",
        initContainerStatuses: [
          terminated("i0", 0, { reason: "Completed" }),
          running("i1", { ready: false }),
        ],
        containerStatuses: [waiting("c0", "PodInitializing")],
      },
      { initContainers: 2 },
    ),
    { ready: "0/1", status: "Init:1/2", restarts: "0" },
  ],
  [
    "an init container in a crash loop, its restarts counted",
    pod(
      {
        phase: "Pending",
        initContainerStatuses: [
          container("i0", {
            restartCount: 4,
            state: { waiting: { reason: "CrashLoopBackOff" } },
            lastState: {
              terminated: { exitCode: 1, reason: "Error", finishedAt: "2024-05-01T11:59:50Z" },
            },
          }),
        ],
        containerStatuses: [waiting("c0", "PodInitializing")],
      },
      { initContainers: 1 },
    ),
    { ready: "0/1", status: "Init:CrashLoopBackOff", restarts: "4 (10s ago)" },
  ],
  [
    "an init container that failed for good",
    pod(
      {
        phase: "Failed",
        initContainerStatuses: [terminated("i0", 3, { reason: "Error" })],
        containerStatuses: [waiting("c0", "PodInitializing")],
      },
      { initContainers: 1 },
    ),
    { ready: "0/1", status: "Init:Error", restarts: "0" },
  ],
  [
    "an init container killed without a reason",
    pod(
      {
        phase: "Pending",
        initContainerStatuses: [terminated("i0", 137, { signal: 9 })],
        containerStatuses: [waiting("c0", "PodInitializing")],
      },
      { initContainers: 1 },
    ),
    { ready: "0/1", status: "Init:Signal:9", restarts: "0" },
  ],
  [
    "init done, app container being created",
    pod(
      {
        phase: "Pending",
        conditions: [{ type: "Initialized", status: "True" }],
        initContainerStatuses: [terminated("i0", 0, { reason: "Completed" })],
        containerStatuses: [waiting("c0", "PodInitializing")],
      },
      { initContainers: 1 },
    ),
    { ready: "0/1", status: "PodInitializing", restarts: "0" },
  ],
  [
    "init done, app running; init restarts no longer shown",
    pod(
      {
        phase: "Running",
        conditions: [{ type: "Initialized", status: "True" }],
        initContainerStatuses: [
          terminated("i0", 0, { reason: "Completed" }),
          container("i1", { restartCount: 2, state: { terminated: { exitCode: 0 } } }),
        ],
        containerStatuses: [running("c0")],
      },
      { initContainers: 2 },
    ),
    { ready: "1/1", status: "Running", restarts: "0" },
  ],
];

describe("summarizePod", () => {
  for (const [name, input, expected] of cases) {
    it(`summarizes ${name}`, () => {
      assert.deepEqual(summarizePod(input, now), expected);
    });
  }
});
