// The hub's API end to end: the gRPC server in process on a real SQLite store, driven through
// the gRPC client and the CLI's own command functions. Needs no Docker engine.
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Pod } from "kubernetes-types/core/v1.js";
import winston from "winston";
import { runApply } from "../../cli/apply-command.js";
import { runCommand } from "../../cli/command-result.js";
import { refsFromArgs, refsInManifests, runDelete } from "../../cli/delete-command.js";
import { runDescribe } from "../../cli/describe-command.js";
import { runExplain } from "../../cli/explain-command.js";
import { runGet } from "../../cli/get-command.js";
import { readManifestSources, type ManifestSource } from "../../cli/manifest-sources.js";
import { runCordon, runLabel, runTaint } from "../../cli/node-edit-commands.js";
import { recordEvent } from "../../hub/events.js";
import {
  HubClient,
  isHubApiError,
  startHubApi,
  type HubApiServer,
  type WatchEvent,
} from "../../hub/api/index.js";
import {
  openSqliteStore,
  type NodeObject,
  type PodObject,
  type SqliteStore,
} from "../../hub/store/index.js";
import { waitFor } from "../support/wait.js";
import { UsageStore } from "../../hub/usage/usage-store.js";

const DAEMONSET = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: fluentd
  namespace: kube-system
  labels: {k8s-app: fluentd-logging}
spec:
  selector:
    matchLabels: {name: fluentd}
  template:
    metadata:
      labels: {name: fluentd}
    spec:
      serviceAccountName: fluentd
      nodeSelector: {disk: ssd}
      containers:
      - name: fluentd
        image: fluentd:v1
`;

const NODES = `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Node
  metadata: {name: web1, labels: {disk: ssd}}
- apiVersion: v1
  kind: Node
  metadata: {name: web2, labels: {disk: hdd}}
- apiVersion: v1
  kind: Node
  metadata: {name: db1, labels: {disk: ssd}}
  spec:
    taints: [{key: dedicated, value: db, effect: NoSchedule}]
  status:
    conditions: [{type: Ready, status: "True"}]
`;

const now = () => new Date();

function source(name: string, text: string): ManifestSource {
  return { name, text };
}

/** A node as an agent registers it: with its status, which apply never writes. */
function registeredNode(name: string, labels: Record<string, string>): NodeObject {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name, labels },
    status: { conditions: [{ type: "Ready", status: "True" }] },
  };
}

describe("hub API", () => {
  let dir: string;
  let store: SqliteStore;
  let api: HubApiServer;
  let client: HubClient;
  const deletedPods: string[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "daemonlet-hub-api-"));
    store = openSqliteStore(join(dir, "store"));
    api = await startHubApi({
      listen: "127.0.0.1:0",
      store,
      usage: new UsageStore(),
      // As the hub does it: the pod is marked, and its agent would remove it once stopped.
      deletePod: (pod: Pod, reason: string) => {
        deletedPods.push(`${pod.metadata?.name}: ${reason}`);
        const stored = store.get<PodObject>(
          "Pod",
          pod.metadata?.namespace ?? "",
          pod.metadata?.name ?? "",
        );
        if (stored) {
          store.update({
            ...stored,
            metadata: { ...stored.metadata, deletionTimestamp: new Date().toISOString() },
          });
        }
      },
      logger: winston.createLogger({ silent: true }),
    });
    client = new HubClient(`127.0.0.1:${api.port}`);
  });

  after(async () => {
    client.close();
    await api.close();
    store.close();
    await rm(dir, { recursive: true, force: true });
  });

  describe("apply", () => {
    it("creates, leaves unchanged, then configures, like kubectl apply", async () => {
      const file = source("fluentd.yaml", DAEMONSET);
      assert.deepEqual(await runApply(client, [file]), {
        stdout: "daemonset.apps/fluentd created\n",
        stderr:
          "Warning: daemonset.apps/fluentd: spec.template.spec.serviceAccountName is ignored\n",
        exitCode: 0,
      });
      const created = store.get("DaemonSet", "kube-system", "fluentd");
      assert.equal((await runApply(client, [file])).stdout, "daemonset.apps/fluentd unchanged\n");
      assert.equal(
        store.get("DaemonSet", "kube-system", "fluentd")?.metadata.resourceVersion,
        created?.metadata.resourceVersion,
        "an unchanged apply writes nothing",
      );
      const changed = source("fluentd.yaml", DAEMONSET.replace("fluentd:v1", "fluentd:v2"));
      assert.equal(
        (await runApply(client, [changed])).stdout,
        "daemonset.apps/fluentd configured\n",
      );
      const stored = store.get("DaemonSet", "kube-system", "fluentd");
      assert.equal(stored?.metadata.generation, 2);
      assert.equal(stored?.metadata.uid, created?.metadata.uid);
    });

    it("keeps the controller's status when the spec changes", async () => {
      const stored = store.get("DaemonSet", "kube-system", "fluentd");
      assert.ok(stored);
      store.updateStatus({ ...stored, status: { desiredNumberScheduled: 7 } });
      await client.apply(DAEMONSET.replace("fluentd:v1", "fluentd:v3"));
      assert.deepEqual(store.get("DaemonSet", "kube-system", "fluentd")?.status, {
        desiredNumberScheduled: 7,
      });
    });

    it("refuses a malformed manifest naming the field path, and stores none of it", async () => {
      const brokenDaemonSet = DAEMONSET.replace(
        "name: fluentd\n  namespace",
        "name: broken\n  namespace",
      ).replace("image: fluentd:v1", "imagePullPolicy: Sometimes");
      const broken = `${NODES.replace("name: web1", "name: new1")}---\n${brokenDaemonSet}`;
      const result = await runApply(client, [source("broken.yaml", broken)]);
      assert.equal(result.exitCode, 1);
      assert.equal(result.stdout, "");
      assert.equal(
        result.stderr,
        'error: broken.yaml: document 2, DaemonSet "broken": spec.template.spec.containers[0].image: required; ' +
          'spec.template.spec.containers[0].imagePullPolicy: must be one of "Always", "IfNotPresent", "Never"\n',
      );
      assert.equal(store.get("DaemonSet", "kube-system", "broken"), undefined);
      assert.equal(
        store.get("Node", "", "new1"),
        undefined,
        "valid documents beside it are not stored",
      );
    });

    it("refuses kinds it does not manage and invalid nodes", async () => {
      await assert.rejects(client.apply("apiVersion: v1\nkind: Service\nmetadata: {name: x}\n"), {
        reason: "Invalid",
        message:
          'document 1, Service "x": kind: must be DaemonSet (apps/v1) or Node (v1), not "Service"',
      });
      await assert.rejects(
        client.apply(
          "apiVersion: v1\nkind: Node\nmetadata: {name: n}\nspec: {taints: [{key: a, effect: Never}]}\n",
        ),
        { message: /^document 1, Node "n": spec\.taints\[0\]\.effect: must be one of / },
      );
    });

    it("reads a directory's manifests in name order", async () => {
      const manifests = join(dir, "manifests");
      await mkdir(manifests);
      await writeFile(join(manifests, "b-nodes.yaml"), NODES);
      await writeFile(join(manifests, "a-ds.yaml"), DAEMONSET);
      await writeFile(join(manifests, ".hidden.yaml"), "not: a manifest\n");
      await writeFile(join(manifests, "README.md"), "# notes\n");
      const result = await runApply(client, await readManifestSources([manifests]));
      assert.equal(
        result.stdout,
        [
          "daemonset.apps/fluentd configured",
          "node/web1 created",
          "node/web2 created",
          "node/db1 created",
          "",
        ].join("\n"),
      );
      assert.equal(
        store.get<NodeObject>("Node", "", "db1")?.status,
        undefined,
        "apply never writes status",
      );
    });

    it("adds node labels without erasing those an agent set", async () => {
      store.create(registeredNode("agent1", { "kubernetes.io/hostname": "agent1" }));
      await client.apply(
        "apiVersion: v1\nkind: Node\nmetadata: {name: agent1, labels: {disk: ssd}}\n",
      );
      const node = store.get<NodeObject>("Node", "", "agent1");
      assert.deepEqual(node?.metadata.labels, { "kubernetes.io/hostname": "agent1", disk: "ssd" });
      assert.deepEqual(node?.status?.conditions, [{ type: "Ready", status: "True" }]);
    });
  });

  describe("get", () => {
    it("lists daemonsets in a namespace, across namespaces and as JSON", async () => {
      const table = await runGet(client, { type: "ds", namespace: "kube-system" }, now());
      assert.match(
        table.stdout,
        /^NAME {6}DESIRED {3}CURRENT .* NODE SELECTOR {3}AGE\nfluentd {3}7 /,
      );
      const empty = await runGet(client, { type: "daemonsets" }, now());
      assert.deepEqual(empty, {
        stdout: "",
        stderr: "No resources found in default namespace.\n",
        exitCode: 0,
      });
      const all = await runGet(client, { type: "ds", allNamespaces: true }, now());
      assert.match(all.stdout, /^NAMESPACE {5}NAME .*\nkube-system {3}fluentd /);
      const json = await runGet(
        client,
        { type: "ds", name: "fluentd", namespace: "kube-system", output: "json" },
        now(),
      );
      assert.equal(JSON.parse(json.stdout).spec.template.spec.containers[0].image, "fluentd:v1");
    });

    it("filters by label selector", async () => {
      const names = async (selector: string) =>
        (await client.list({ kind: "Node", labelSelector: selector })).items.map(
          (n) => n.metadata.name,
        );
      assert.deepEqual(await names("disk=ssd"), ["agent1", "db1", "web1"]);
      assert.deepEqual(await names("disk in (hdd),!missing"), ["web2"]);
      assert.deepEqual(await names("disk!=ssd"), ["web2"]);
      await assert.rejects(client.list({ kind: "Node", labelSelector: "disk in (" }), {
        reason: "Invalid",
        message: /^invalid label selector "disk in \(": /,
      });
    });

    it("says what is not there", async () => {
      const result = await runCommand(() => runGet(client, { type: "ds", name: "nope" }, now()));
      assert.deepEqual(result, {
        stdout: "",
        stderr: 'error: daemonsets "nope" not found\n',
        exitCode: 1,
      });
    });
  });

  describe("node changes", () => {
    it("labels with kubectl's overwrite rule", async () => {
      assert.deepEqual(
        await runLabel(client, {
          type: "node",
          name: "web2",
          changes: ["zone=a", "gone-"],
          overwrite: false,
        }),
        { stdout: 'label "gone" not found.\nnode/web2 labeled\n', stderr: "", exitCode: 0 },
      );
      await assert.rejects(
        runLabel(client, { type: "no", name: "web2", changes: ["zone=b"], overwrite: false }),
        {
          reason: "FailedPrecondition",
          message: "'zone' already has a value (a), and --overwrite is false",
        },
      );
      await runLabel(client, { type: "node", name: "web2", changes: ["zone=b"], overwrite: true });
      assert.equal(store.get("Node", "", "web2")?.metadata.labels?.["zone"], "b");
      const removed = await runLabel(client, {
        type: "node",
        name: "web2",
        changes: ["zone-"],
        overwrite: false,
      });
      assert.equal(removed.stdout, "node/web2 unlabeled\n");
      await assert.rejects(
        client.labelNode({ name: "web2", set: { "bad key": "x" }, remove: [], overwrite: false }),
        {
          reason: "Invalid",
          message: 'invalid label key "bad key"',
        },
      );
    });

    it("taints and untaints", async () => {
      const tainted = await runTaint(client, {
        type: "node",
        name: "web1",
        changes: ["maintenance=soon:NoExecute", "gpu:PreferNoSchedule"],
        overwrite: false,
      });
      assert.equal(tainted.stdout, "node/web1 tainted\n");
      const taints = store.get<NodeObject>("Node", "", "web1")?.spec?.taints ?? [];
      assert.deepEqual(
        taints.map((t) => [t.key, t.value, t.effect, t.timeAdded !== undefined]),
        [
          ["maintenance", "soon", "NoExecute", true],
          ["gpu", undefined, "PreferNoSchedule", false],
        ],
      );
      await assert.rejects(
        runTaint(client, {
          type: "node",
          name: "web1",
          changes: ["gpu=x:PreferNoSchedule"],
          overwrite: false,
        }),
        {
          message:
            "node web1 already has gpu taint(s) with same effect(s) and --overwrite is false",
        },
      );
      const untainted = await runTaint(client, {
        type: "node",
        name: "web1",
        changes: ["maintenance-", "gpu:PreferNoSchedule-"],
        overwrite: false,
      });
      assert.equal(untainted.stdout, "node/web1 untainted\n");
      assert.equal(store.get<NodeObject>("Node", "", "web1")?.spec?.taints, undefined);
      await assert.rejects(
        client.taintNode({ name: "web1", add: [], remove: [{ key: "never" }], overwrite: false }),
        {
          reason: "FailedPrecondition",
          message: 'taint "never" not found',
        },
      );
    });

    it("cordons and uncordons, and get shows it", async () => {
      assert.equal((await runCordon(client, "web1", true)).stdout, "node/web1 cordoned\n");
      assert.equal((await runCordon(client, "web1", true)).stdout, "node/web1 already cordoned\n");
      const { stdout } = await runGet(client, { type: "nodes", name: "web1" }, now());
      assert.match(stdout, /\nweb1 +Unknown,SchedulingDisabled +<none> +\d+s +\n$/);
      assert.equal((await runCordon(client, "web1", false)).stdout, "node/web1 uncordoned\n");
      assert.equal(store.get<NodeObject>("Node", "", "web1")?.spec?.unschedulable, undefined);
      await assert.rejects(client.setUnschedulable("nowhere", true), {
        reason: "NotFound",
        message: 'nodes "nowhere" not found',
      });
    });
  });

  describe("watch", () => {
    it("sends the current objects, then changes, with selection changes as ADDED and DELETED", async () => {
      const events: string[] = [];
      const watch = client.watch({ kind: "Node", labelSelector: "role=edge" }, (e: WatchEvent) =>
        events.push(`${e.type} ${e.object.metadata.name}`),
      );
      const ended = watch.done.catch((error: unknown) => error);
      try {
        await client.labelNode({
          name: "web1",
          set: { role: "edge" },
          remove: [],
          overwrite: false,
        });
        await waitFor(() => events.includes("ADDED web1"), { what: "web1 to enter the selection" });
        await client.setUnschedulable("web1", true);
        await waitFor(() => events.includes("MODIFIED web1"), { what: "web1's change" });
        await client.labelNode({ name: "web1", set: {}, remove: ["role"], overwrite: false });
        await waitFor(() => events.includes("DELETED web1"), {
          what: "web1 to leave the selection",
        });
        await client.labelNode({ name: "web2", set: { other: "x" }, remove: [], overwrite: false });
        assert.deepEqual(events, ["ADDED web1", "MODIFIED web1", "DELETED web1"]);
      } finally {
        watch.cancel();
      }
      assert.equal(await ended, undefined, "a cancelled watch ends cleanly");
    });
  });

  describe("explain", () => {
    it("works offline against a nodes file, without a hub", async () => {
      const result = await runExplain(
        {
          daemonSet: source("ds.yaml", DAEMONSET),
          nodes: source("nodes.yaml", NODES),
          format: "json",
        },
        () => assert.fail("offline explain must not connect to a hub"),
      );
      assert.deepEqual(JSON.parse(result.stdout), [
        {
          node: "db1",
          shouldRun: false,
          shouldContinueRunning: true,
          reasons: ["TaintNotTolerated: taint dedicated=db:NoSchedule is not tolerated"],
        },
        { node: "web1", shouldRun: true, shouldContinueRunning: true, reasons: [] },
        {
          node: "web2",
          shouldRun: false,
          shouldContinueRunning: false,
          reasons: [
            "NodeSelectorMismatch: node(s) didn't match node selector: disk=ssd (node has disk=hdd)",
          ],
        },
      ]);
    });

    it("works online against the stored nodes", async () => {
      const result = await runExplain(
        { daemonSet: source("ds.yaml", DAEMONSET), format: "table" },
        () => client,
      );
      assert.match(
        result.stdout,
        /^NODE +SHOULD-RUN +REASONS\nagent1 +yes +<none>\ndb1 +no \(keeps a running pod\) +TaintNotTolerated/,
      );
      assert.match(result.stdout, /\nweb2 +no +NodeSelectorMismatch: /);
    });

    it("names the file and field path of a bad manifest", async () => {
      const bad = source(
        "bad.yaml",
        DAEMONSET.replace("matchLabels: {name: fluentd}", "matchLabels: {name: other}"),
      );
      const result = await runCommand(() =>
        runExplain({ daemonSet: bad, format: "table" }, () => client),
      );
      assert.equal(
        result.stderr,
        'error: bad.yaml: document 1, DaemonSet "fluentd": spec.template.metadata.labels: selector does not match template labels\n',
      );
    });
  });

  describe("describe", () => {
    it("shows a DaemonSet with its pods and events", async () => {
      const ds = store.get("DaemonSet", "kube-system", "fluentd");
      assert.ok(ds);
      store.create<PodObject>({
        apiVersion: "v1",
        kind: "Pod",
        metadata: {
          name: "fluentd-abcde",
          namespace: "kube-system",
          labels: { name: "fluentd" },
          ownerReferences: [
            {
              apiVersion: "apps/v1",
              kind: "DaemonSet",
              name: "fluentd",
              uid: ds.metadata.uid ?? "",
              controller: true,
            },
          ],
        },
        spec: { nodeName: "web1", containers: [{ name: "fluentd", image: "fluentd:v1" }] },
        status: { phase: "Running" },
      });
      recordEvent(
        store,
        {
          apiVersion: "apps/v1",
          kind: "DaemonSet",
          name: "fluentd",
          namespace: "kube-system",
          uid: ds.metadata.uid,
        },
        "Normal",
        "SuccessfulCreate",
        "Created pod: fluentd-abcde",
        "daemonset-controller",
      );
      const { stdout } = await runDescribe(
        client,
        { type: "ds", name: "fluentd", namespace: "kube-system" },
        now(),
      );
      assert.match(stdout, /^Name: +fluentd\nNamespace: +kube-system\n/);
      assert.match(stdout, /\nPods Status: +1 Running \/ 0 Waiting \/ 0 Succeeded \/ 0 Failed\n/);
      assert.match(
        stdout,
        /\nEvents:\n {2}Type +Reason +Age +From +Message\n.*\n {2}Normal +SuccessfulCreate +\d+s +daemonset-controller +Created pod: fluentd-abcde\n$/,
      );
      const node = await runDescribe(client, { type: "node", name: "web1" }, now());
      assert.match(
        node.stdout,
        /\nNon-terminated Pods: +\(1 in total\)\n.*\n.*\n {2}kube-system +fluentd-abcde +Running +0 \(0%\) /,
      );
    });
  });

  describe("delete", () => {
    it("stops a pod gracefully through the pod deleter", async () => {
      const result = await runDelete(client, refsFromArgs("po", ["fluentd-abcde"], "kube-system"));
      assert.equal(result.stdout, 'pod "fluentd-abcde" deleted\n');
      assert.deepEqual(deletedPods, ["fluentd-abcde: deleted by API"]);
      assert.ok(
        store.get<PodObject>("Pod", "kube-system", "fluentd-abcde")?.metadata.deletionTimestamp,
      );
    });

    it("deletes what a manifest names, and reports what is not there", async () => {
      const refs = refsInManifests([source("ds.yaml", DAEMONSET), source("nodes.yaml", NODES)]);
      assert.deepEqual(await runDelete(client, refs), {
        stdout:
          'daemonset.apps "fluentd" deleted\nnode "web1" deleted\nnode "web2" deleted\nnode "db1" deleted\n',
        stderr: "",
        exitCode: 0,
      });
      assert.equal(store.get("DaemonSet", "kube-system", "fluentd"), undefined);
      assert.deepEqual(await runDelete(client, refs.slice(0, 1)), {
        stdout: "",
        stderr: 'error: daemonsets "fluentd" not found\n',
        exitCode: 1,
      });
    });
  });

  describe("limits", () => {
    it("refuses a request over 4 MiB", async () => {
      const huge = `${DAEMONSET}# ${"x".repeat(5 * 1024 * 1024)}\n`;
      await assert.rejects(client.apply(huge), (error: unknown) =>
        isHubApiError(error, "TooLarge"),
      );
      assert.equal((await client.list({ kind: "Node" })).items.length, 1, "the hub still serves");
    });
  });
});
