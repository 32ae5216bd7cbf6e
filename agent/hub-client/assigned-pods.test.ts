import assert from "node:assert/strict";
import { mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { ReceivedPod } from "../../proto/hub-agent-frames.js";
import { assignedPod } from "../../hub/gateway/testing/memory-backend.js";
import { capturingLogger } from "../../hub/gateway/testing/test-hub.js";
import { isManifestError } from "../pods/manifest.js";
import { AssignedPodSet, toDesiredPod } from "./assigned-pods.js";
import {
  isAssignedPodsFileError,
  loadAssignedPods,
  saveAssignedPods,
} from "./assigned-pods-file.js";

const NODE = "web1";
const received = (name: string, overrides: Partial<ReceivedPod> = {}): ReceivedPod => ({
  ...assignedPod(NODE, name),
  ...overrides,
});

describe("toDesiredPod", () => {
  it("validates and defaults the spec, and binds the pod to this node", () => {
    const pod = toDesiredPod(
      received("x", {
        namespace: "",
        spec: { containers: [{ name: "main", image: "busybox:latest" }] },
      }),
      NODE,
    );
    assert.equal(pod.source, "hub");
    assert.equal(pod.sourceRef, "hub pod default/x");
    assert.equal(pod.namespace, "default");
    assert.equal(pod.spec.nodeName, NODE);
    assert.equal(pod.spec.restartPolicy, "Always");
    assert.equal(pod.spec.containers[0]?.imagePullPolicy, "Always", "latest is always pulled");
  });

  const refused: [string, ReceivedPod, RegExp][] = [
    ["a pod without a uid", received("x", { uid: "" }), /metadata\.uid: required/],
    ["a pod without a spec", received("x", { spec: undefined }), /spec: required/],
    [
      "a pod bound to another node",
      received("x", { spec: { ...assignedPod("web2", "x").spec } }),
      /spec\.nodeName: is web2/,
    ],
    [
      "a field the agent cannot honour",
      received("x", { spec: { containers: [{ name: "m", image: "i", bogus: 1 }] } }),
      /bogus: unknown field/,
    ],
  ];
  for (const [what, pod, message] of refused) {
    it(`refuses ${what} with a ManifestError naming the pod`, () => {
      assert.throws(
        () => toDesiredPod(pod, NODE),
        (e) =>
          isManifestError(e) &&
          message.test(e.message) &&
          e.message.startsWith("hub pod default/x"),
      );
    });
  }
});

describe("AssignedPodSet", () => {
  it("applies snapshots and deltas, and reports whether anything changed", () => {
    const { logger } = capturingLogger();
    const set = new AssignedPodSet(NODE, logger);
    assert.equal(set.replace(1, [received("a"), received("b")]), true);
    assert.equal(set.replace(2, [received("b"), received("a")]), false, "same pods again");
    assert.equal(set.apply(3, [received("c")], ["uid-a"]), true);
    assert.deepEqual(
      set.pods().map((p) => p.name),
      ["b", "c"],
    );
    assert.equal(set.apply(4, [], ["uid-unknown"]), false);
    assert.equal(set.version, 4);
    assert.deepEqual(set.state(), { version: 4, pods: [received("b"), received("c")] });
  });

  it("keeps an invalid pod out of pods() but in the stored state, and logs it once", () => {
    const { logger, entries } = capturingLogger();
    const set = new AssignedPodSet(NODE, logger);
    const broken = received("broken", { spec: { containers: [] } });
    set.replace(1, [received("good"), broken]);
    set.replace(2, [received("good"), broken]);
    assert.deepEqual(
      set.pods().map((p) => p.name),
      ["good"],
    );
    assert.equal(set.state().pods.length, 2, "a newer agent may accept it; the hub's word is kept");
    assert.equal(entries.filter((e) => e.message === "refusing a pod from the hub").length, 1);
  });
});

describe("assigned-pods.json", () => {
  let dir = "";
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "daemonlet-assigned-pods-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("round-trips the state, 0600, with no temporary file left behind", async () => {
    const file = join(dir, "state", "assigned-pods.json");
    const state = { version: 7, pods: [received("a"), received("b")] };
    await saveAssignedPods(file, { version: 6, pods: [] });
    await saveAssignedPods(file, state);
    assert.deepEqual(loadAssignedPods(file), state);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.deepEqual(await readdir(join(dir, "state")), ["assigned-pods.json"]);
  });

  it("reads a missing file as no state", () => {
    assert.equal(loadAssignedPods(join(dir, "absent.json")), undefined);
  });

  const corrupt: [string, string, RegExp][] = [
    ["not JSON", "{", /not JSON/],
    ["not a state", '{"pods": {}}', /expected \{version, pods\}/],
    [
      "a pod of the wrong shape",
      '{"version": 1, "pods": [{"uid": 1}]}',
      /pods\[0\] is not an assigned pod/,
    ],
  ];
  for (const [what, text, message] of corrupt) {
    it(`refuses a file that is ${what}, naming the file`, async () => {
      const file = join(dir, `${what.replaceAll(" ", "-")}.json`);
      await writeFile(file, text);
      assert.throws(
        () => loadAssignedPods(file),
        (e) => isAssignedPodsFileError(e) && message.test(e.message) && e.message.startsWith(file),
      );
    });
  }
});

describe("AssignedPodSet refusals", () => {
  it("keeps why a pod was refused, and names it once when the hub removes it", () => {
    const { logger } = capturingLogger();
    const set = new AssignedPodSet(NODE, logger);
    const bad = received("bad", { spec: { containers: [{ name: "main" }] } });
    set.apply(1, [bad, received("good")], []);
    const [refused] = set.refused();
    assert.equal(refused?.pod.uid, bad.uid);
    assert.match(refused?.problem ?? "", /image/);
    assert.deepEqual(set.takeRemovedRefused(), []);
    set.apply(2, [], [bad.uid, received("good").uid]);
    assert.deepEqual(set.takeRemovedRefused(), [bad.uid]);
    assert.deepEqual(set.takeRemovedRefused(), []);
  });
});
