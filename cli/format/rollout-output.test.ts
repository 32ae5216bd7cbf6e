import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { ControllerRevision, DaemonSet, DaemonSetStatus } from "kubernetes-types/apps/v1.js";
import { formatHistory, formatRevision, rolloutProgress } from "./rollout-output.js";

const ds = (
  status: Partial<DaemonSetStatus>,
  generation = 2,
  annotations?: Record<string, string>,
): DaemonSet => ({
  metadata: { name: "agent", generation, annotations },
  spec: { selector: {}, template: {} },
  status: {
    currentNumberScheduled: 3,
    desiredNumberScheduled: 3,
    numberMisscheduled: 0,
    numberReady: 3,
    observedGeneration: 2,
    ...status,
  },
});

describe("rolloutProgress", () => {
  const cases: [string, DaemonSet, string, boolean][] = [
    [
      "spec not yet observed",
      ds({ observedGeneration: 1 }),
      "Waiting for daemon set spec update to be observed...",
      false,
    ],
    [
      "pods being updated",
      ds({ updatedNumberScheduled: 1, numberAvailable: 3 }),
      'Waiting for daemon set "agent" rollout to finish: 1 out of 3 new pods have been updated...',
      false,
    ],
    [
      "paused",
      ds({ updatedNumberScheduled: 1, numberAvailable: 3 }, 2, { "daemonlet.io/paused": "true" }),
      "Waiting for daemon set \"agent\" rollout to finish: 1 out of 3 new pods have been updated... (paused: resume with 'daemonlet rollout resume ds/agent')",
      false,
    ],
    [
      "updated, not all available",
      ds({ updatedNumberScheduled: 3, numberAvailable: 2 }),
      'Waiting for daemon set "agent" rollout to finish: 2 of 3 updated pods are available...',
      false,
    ],
    [
      "done",
      ds({ updatedNumberScheduled: 3, numberAvailable: 3 }),
      'daemon set "agent" successfully rolled out',
      true,
    ],
  ];
  for (const [name, input, message, done] of cases) {
    it(name, () => assert.deepEqual(rolloutProgress(input), { message, done }));
  }
});

const revision = (n: number, image: string, changeCause?: string): ControllerRevision => ({
  metadata: {
    name: `agent-${n}`,
    ...(changeCause && { annotations: { "kubernetes.io/change-cause": changeCause } }),
  },
  revision: n,
  data: {
    spec: {
      template: {
        metadata: { labels: { app: "agent" } },
        spec: { containers: [{ name: "app", image }] },
      },
    },
  },
});

describe("rollout history output", () => {
  it("lists revisions oldest first with their change cause", () => {
    assert.equal(
      formatHistory(ds({}), [revision(2, "b", "image b"), revision(1, "a")]),
      "daemonset.apps/agent\nREVISION   CHANGE-CAUSE\n1          <none>\n2          image b\n\n",
    );
  });

  it("shows a revision's template and what changed since the one before", () => {
    const text = formatRevision(ds({}), revision(2, "busybox:1.37"), revision(1, "busybox:1.36"));
    assert.match(text, /^daemonset\.apps\/agent with revision #2\nPod Template:\n/);
    assert.match(text, /Image:\s+busybox:1\.37/);
    assert.match(text, /\nChanges from revision 1:\n/);
    assert.match(text, /^- {5}- image: busybox:1\.36$/m);
    assert.match(text, /^\+ {5}- image: busybox:1\.37$/m);
  });
});
