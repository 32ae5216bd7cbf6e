import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ContainerStatus, Pod } from "kubernetes-types/core/v1.js";
import { resolveLogTarget, type LogTarget, type LogTargetQuery } from "./log-target.js";

function pod(
  name: string,
  statuses: ContainerStatus[],
  extra: { namespace?: string; uid?: string; deleting?: boolean; containers?: string[] } = {},
): Pod {
  return {
    metadata: {
      name,
      namespace: extra.namespace ?? "default",
      uid: extra.uid ?? `uid-${name}`,
      ...(extra.deleting && { deletionTimestamp: "2024-05-01T10:00:00Z" }),
    },
    spec: {
      containers: (extra.containers ?? statuses.map((s) => s.name)).map((c) => ({
        name: c,
        image: "busybox:1.36",
      })),
    },
    status: { containerStatuses: statuses },
  };
}

function status(name: string, fields: Partial<ContainerStatus>): ContainerStatus {
  return { name, image: "busybox:1.36", imageID: "", ready: false, restartCount: 0, ...fields };
}

const running = (name: string, id: string, lastId?: string) =>
  status(name, {
    containerID: `docker://${id}`,
    state: { running: { startedAt: "2024-05-01T10:00:00Z" } },
    ...(lastId && {
      lastState: { terminated: { exitCode: 137, containerID: `docker://${lastId}` } },
    }),
  });

const query = (podName: string, extra: Partial<LogTargetQuery> = {}): LogTargetQuery => ({
  podName,
  namespace: "default",
  previous: false,
  ...extra,
});

const ok = (containerId: string): LogTarget => ({ ok: true, containerId });

describe("resolveLogTarget", () => {
  const single = pod("web-n1", [running("app", "aaa", "old")]);
  const pair = pod("pair-n1", [running("a", "a1"), running("b", "b1")]);

  const cases: [string, Pod[], LogTargetQuery, LogTarget][] = [
    ["the only container, unnamed", [single], query("web-n1"), ok("aaa")],
    ["a named container", [pair], query("pair-n1", { container: "b" }), ok("b1")],
    [
      "the previous attempt, from lastState",
      [single],
      query("web-n1", { previous: true }),
      ok("old"),
    ],
    [
      "the last run of a container waiting to restart",
      [
        pod("crash-n1", [
          status("app", {
            containerID: "docker://latest",
            state: { waiting: { reason: "CrashLoopBackOff" } },
            lastState: { terminated: { exitCode: 1, containerID: "docker://latest" } },
          }),
        ]),
      ],
      query("crash-n1"),
      ok("latest"),
    ],
    [
      "a container that terminated for good",
      [
        pod("done-n1", [
          status("app", {
            containerID: "docker://done",
            state: { terminated: { exitCode: 0, containerID: "docker://done" } },
          }),
        ]),
      ],
      query("done-n1"),
      ok("done"),
    ],
    [
      "the successor, not the pod being replaced under the same name",
      [
        pod("web-n1", [running("app", "gone")], { uid: "old", deleting: true }),
        pod("web-n1", [running("app", "new")], { uid: "new" }),
      ],
      query("web-n1"),
      ok("new"),
    ],
    [
      "the pod in the namespace asked for",
      [pod("web-n1", [running("app", "mon")], { namespace: "monitoring" }), single],
      query("web-n1", { namespace: "monitoring" }),
      ok("mon"),
    ],
    [
      "no such pod",
      [single],
      query("web"),
      { ok: false, reason: "PodNotFound", message: 'pods "web" not found' },
    ],
    [
      "a pod of that name in another namespace only",
      [single],
      query("web-n1", { namespace: "kube-system" }),
      { ok: false, reason: "PodNotFound", message: 'pods "web-n1" not found' },
    ],
    [
      "several containers and none named",
      [pair],
      query("pair-n1"),
      {
        ok: false,
        reason: "ContainerNotSpecified",
        message: "a container name must be specified for pod pair-n1, choose one of: [a b]",
      },
    ],
    [
      "a container the pod does not have",
      [pair],
      query("pair-n1", { container: "c" }),
      {
        ok: false,
        reason: "ContainerNotFound",
        message: "container c is not valid for pod pair-n1",
      },
    ],
    [
      "no previous attempt",
      [pair],
      query("pair-n1", { container: "a", previous: true }),
      {
        ok: false,
        reason: "PreviousNotFound",
        message: 'previous terminated container "a" in pod "pair-n1" not found',
      },
    ],
    [
      "a container still being created",
      [pod("new-n1", [status("app", { state: { waiting: { reason: "ContainerCreating" } } })])],
      query("new-n1"),
      {
        ok: false,
        reason: "NoOutput",
        message: 'container "app" in pod "new-n1" is waiting to start: ContainerCreating',
      },
    ],
    [
      "an image that cannot be pulled",
      [pod("bad-n1", [status("app", { state: { waiting: { reason: "ImagePullBackOff" } } })])],
      query("bad-n1"),
      {
        ok: false,
        reason: "NoOutput",
        message:
          'container "app" in pod "bad-n1" is waiting to start: trying and failing to pull image',
      },
    ],
    [
      "a container with no status yet",
      [pod("early-n1", [], { containers: ["app"] })],
      query("early-n1"),
      {
        ok: false,
        reason: "NoOutput",
        message: 'container "app" in pod "early-n1" is not available',
      },
    ],
  ];
  for (const [what, pods, q, expected] of cases) {
    it(what, () => assert.deepEqual(resolveLogTarget(pods, q), expected));
  }

  it("names the containers of a pod whose spec is gone from its statuses", () => {
    const leaving: Pod = { ...pair, spec: undefined };
    assert.deepEqual(resolveLogTarget([leaving], query("pair-n1")), {
      ok: false,
      reason: "ContainerNotSpecified",
      message: "a container name must be specified for pod pair-n1, choose one of: [a b]",
    });
  });

  describe("with init containers", () => {
    const completed = status("setup", {
      containerID: "docker://init1",
      state: { terminated: { exitCode: 0, reason: "Completed", containerID: "docker://init1" } },
    });
    const withInit: Pod = {
      ...single,
      spec: { ...single.spec!, initContainers: [{ name: "setup", image: "busybox:1.36" }] },
      status: { ...single.status, initContainerStatuses: [completed] },
    };
    it("the only app container is still meant by default", () => {
      assert.deepEqual(resolveLogTarget([withInit], query("web-n1")), ok("aaa"));
    });
    it("an init container by name, after it completed", () => {
      assert.deepEqual(
        resolveLogTarget([withInit], query("web-n1", { container: "setup" })),
        ok("init1"),
      );
    });
    it("lists the init containers when a name is needed", () => {
      const both: Pod = {
        ...pair,
        spec: { ...pair.spec!, initContainers: [{ name: "setup", image: "busybox:1.36" }] },
      };
      assert.deepEqual(resolveLogTarget([both], query("pair-n1")), {
        ok: false,
        reason: "ContainerNotSpecified",
        message:
          "a container name must be specified for pod pair-n1, choose one of: [a b] or one of the init containers: [setup]",
      });
    });
  });
});
