// Fleet visibility against the real thing: a hub and two agents on this machine's engine. What
// the nodes report is checked against /proc, a pressure condition is driven by a threshold in
// the agent's config, usage and admission are seen through the CLI, and both /metrics endpoints
// are read with a strict Prometheus text-format parser (and promtool when it is installed).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import Docker from "dockerode";
import { parse as parseYaml } from "yaml";
import type { DaemonSet } from "kubernetes-types/apps/v1.js";
import type { Container, Node, Pod } from "kubernetes-types/core/v1.js";
import { HubClient } from "../../hub/api/index.js";
import { isPodMetrics } from "../../hub/usage/metrics-objects.js";
import { AgentProcess } from "../support/agent-process.js";
import { REPO } from "../support/cli-process.js";
import { DockerSocketProxy } from "../support/docker-socket-proxy.js";
import { removeNodeContainers } from "../support/docker-cleanup.js";
import { HubProcess } from "../support/hub-process.js";
import { daemonSetYaml } from "../support/manifests.js";
import { parsePrometheusText } from "../support/prometheus-text.js";
import { waitFor } from "../support/wait.js";

const run = promisify(execFile);
const docker = new Docker();

const daemonSet = (name: string, node: string, container: Partial<Container>) =>
  daemonSetYaml(name, { nodeSelector: { "kubernetes.io/hostname": node }, container });

/** A busy loop held to a fifth of a core: it has usage to see, and little to cost the machine. */
const BURNER: Partial<Container> = {
  name: "burn",
  command: ["sh", "-c", "while true; do :; done"],
  resources: {
    requests: { cpu: "100m", memory: "16Mi" },
    limits: { cpu: "200m", memory: "64Mi" },
  },
};
const GREEDY: Partial<Container> = {
  name: "sleep",
  resources: { requests: { cpu: "1000" } },
};

async function promtool(): Promise<string | undefined> {
  try {
    await run("promtool", ["--version"]);
    return "promtool";
  } catch {
    return undefined;
  }
}

/**
 * promtool parses the exposition and lints names. The only lint it may raise is about
 * prom-client's default `nodejs_active_*_total` gauges (not ours to rename); a parse error fails.
 */
async function promtoolCheckMetrics(tool: string, text: string): Promise<void> {
  const checked = run(tool, ["check", "metrics"]);
  checked.child.stdin?.end(text);
  try {
    await checked;
  } catch (error) {
    const e = error as { code?: number; stderr?: string; stdout?: string };
    const findings = `${e.stdout ?? ""}${e.stderr ?? ""}`.split("\n").filter((l) => l.trim());
    const foreign = findings.filter(
      (l) => !/^daemonlet_(agent|hub)_nodejs_active_\w+_total non-counter metrics/.test(l),
    );
    assert.equal(e.code, 3, `promtool could not parse the metrics: ${findings.join("; ")}`);
    assert.deepEqual(foreign, [], "promtool lint findings beyond prom-client's default metrics");
  }
}

describe("fleet visibility: node report, conditions, usage, admission, metrics", () => {
  let hub: HubProcess;
  let api: HubClient;
  let plain: AgentProcess;
  let pressed: AgentProcess;
  let dir: string;

  const cli = (...args: string[]) => hub.cli(...args);
  const node = async (name: string) => (await api.get({ kind: "Node", name })) as Node;
  const pods = async () => (await api.list({ kind: "Pod", allNamespaces: true })).items as Pod[];
  const metricsUrl = (agent: AgentProcess) =>
    agent.logs.find((l) => l.message === "agent metrics listening")?.["url"] as string;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "daemonlet-fleet-"));
    await writeFile(path.join(dir, "plain.yaml"), "usageIntervalSeconds: 1\n");
    // No node has 100 TiB available: this agent's node is under memory pressure from the start.
    await writeFile(
      path.join(dir, "pressed.yaml"),
      'usageIntervalSeconds: 1\npressureThresholds: {"memory.available": 100Ti}\n',
    );
    hub = await HubProcess.create();
    await hub.start();
    api = new HubClient(hub.api);
    plain = await AgentProcess.create("fleet-plain", [
      ...hub.agentArgs(),
      "--config",
      path.join(dir, "plain.yaml"),
      "--node-label",
      "tier=edge",
      "--node-taint",
      "fleet-test=yes:PreferNoSchedule",
    ]);
    pressed = await AgentProcess.create("fleet-pressed", [
      ...hub.agentArgs(),
      "--config",
      path.join(dir, "pressed.yaml"),
    ]);
    await Promise.all([plain.start(), pressed.start()]);
  });

  after(async () => {
    api?.close();
    for (const agent of [plain, pressed]) {
      if (!agent) continue;
      await agent.dispose();
      await removeNodeContainers(agent.nodeName);
    }
    await hub?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it("reports what the machine has: memory, cpus, kernel, runtime, labels and config taints", async () => {
    const n = await waitFor(() => node(plain.nodeName), {
      what: "the node registered",
      until: (n) => (n.status?.conditions ?? []).some((c) => c.type === "MemoryPressure"),
    });
    const memTotalKi = Number(
      /^MemTotal:\s+(\d+) kB/m.exec(readFileSync("/proc/meminfo", "utf8"))?.[1],
    );
    const reportedKi = Number(/^(\d+)Ki$/.exec(n.status?.capacity?.["memory"] ?? "")?.[1]);
    assert.ok(
      Math.abs(reportedKi - memTotalKi) / memTotalKi < 0.03,
      `memory ${reportedKi}Ki vs MemTotal ${memTotalKi}Ki`,
    );
    assert.equal(n.status?.capacity?.["cpu"], String(os.cpus().length));
    assert.equal(n.status?.capacity?.["pods"], "110");
    assert.match(n.status?.capacity?.["ephemeral-storage"] ?? "", /^\d+Ki$/);
    // Allocatable keeps the 100Mi memory.available threshold back, as a kubelet's does.
    const allocatableKi = Number(/^(\d+)Ki$/.exec(n.status?.allocatable?.["memory"] ?? "")?.[1]);
    assert.equal(reportedKi - allocatableKi, 100 * 1024);
    const info = n.status?.nodeInfo;
    assert.equal(info?.kernelVersion, os.release());
    assert.equal(info?.architecture, os.arch() === "x64" ? "amd64" : os.arch());
    assert.match(info?.containerRuntimeVersion ?? "", /^docker:\/\/\d+\./);
    assert.match(info?.osImage ?? "", /\S/);
    assert.match(info?.kubeletVersion ?? "", /^daemonlet-\d+\.\d+\.\d+/);
    assert.deepEqual(
      n.status?.addresses?.map((a) => a.type),
      ["InternalIP", "Hostname"],
    );
    assert.equal(n.metadata?.labels?.["kubernetes.io/hostname"], plain.nodeName);
    assert.equal(n.metadata?.labels?.["kubernetes.io/os"], "linux");
    assert.equal(n.metadata?.labels?.["tier"], "edge");
    assert.deepEqual(n.spec?.taints, [
      { key: "fleet-test", value: "yes", effect: "PreferNoSchedule" },
    ]);
    const conditions = Object.fromEntries(
      (n.status?.conditions ?? []).map((c) => [c.type, c.status]),
    );
    assert.deepEqual(conditions, {
      Ready: "True",
      MemoryPressure: "False",
      DiskPressure: "False",
      PIDPressure: "False",
    });
    for (const c of n.status?.conditions ?? []) {
      assert.ok(
        c.reason && c.message && c.lastTransitionTime,
        `${c.type} lacks reason/message/time`,
      );
    }
    const wide = await cli("get", "nodes", "-o", "wide");
    assert.match(
      wide,
      /^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\s+INTERNAL-IP\s+EXTERNAL-IP\s+OS-IMAGE\s+KERNEL-VERSION\s+CONTAINER-RUNTIME$/m,
    );
    assert.match(
      wide,
      new RegExp(
        `^${plain.nodeName}\\s+Ready\\s+.*${os.release().replace(/[.+]/g, "\\$&")}\\s+docker://`,
        "m",
      ),
    );
  });

  it("a threshold set above what the node has: MemoryPressure=True and its taint at the hub", async () => {
    const n = await waitFor(() => node(pressed.nodeName), {
      what: "memory pressure on the node with the raised threshold",
      timeoutMs: 20_000,
      until: (n) =>
        (n.spec?.taints ?? []).some((t) => t.key === "node.kubernetes.io/memory-pressure"),
    });
    const condition = n.status?.conditions?.find((c) => c.type === "MemoryPressure");
    assert.equal(condition?.status, "True");
    assert.equal(condition?.reason, "AgentHasInsufficientMemory");
    assert.match(condition?.message ?? "", /threshold 104857600Mi/);
    assert.deepEqual(
      n.spec?.taints?.find((t) => t.key === "node.kubernetes.io/memory-pressure"),
      { key: "node.kubernetes.io/memory-pressure", effect: "NoSchedule" },
    );
    // Pressure is not NotReady, and the other node stays untainted.
    assert.match(
      await cli("get", "nodes", pressed.nodeName),
      new RegExp(`${pressed.nodeName}\\s+Ready\\s`),
    );
    const other = await node(plain.nodeName);
    assert.ok(!(other.spec?.taints ?? []).some((t) => t.key.startsWith("node.kubernetes.io/")));
  });

  it("a container's cpu and memory reach the hub: top pods, top ds, top nodes, describe node", async () => {
    const manifest = path.join(dir, "burner.yaml");
    await writeFile(manifest, daemonSet("burner", plain.nodeName, BURNER));
    await cli("apply", "-f", manifest);
    const figures = await waitFor(
      async () =>
        (await api.listMetrics({ kind: "PodMetrics" }))
          .filter(isPodMetrics)
          .find((m) => m.metadata.name.startsWith("burner-")),
      {
        what: "usage of the burner pod at the hub",
        timeoutMs: 60_000,
        intervalMs: 500,
        until: (m) => m.containers.some((c) => c.usage.cpu !== "0n"),
      },
    );
    assert.equal(figures.node, plain.nodeName);
    assert.deepEqual(
      figures.containers.map((c) => c.name),
      ["burn"],
    );
    const topPods = await cli("top", "pods");
    assert.match(topPods, /^NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)$/m);
    assert.match(topPods, /^burner-\S+\s+\d+m\s+\d+Mi$/m);
    const topDs = await cli("top", "ds");
    assert.match(topDs, /^burner\s+1\s+\d+m\s+\d+m\s+\d+Mi\s+\d+Mi$/m);
    const topNodes = await cli("top", "nodes");
    assert.match(
      topNodes,
      new RegExp(
        `^${plain.nodeName}\\s+\\d+m\\s+\\d+%\\s+\\d+Mi\\s+\\d+%\\s+\\d+%\\s+\\S+/s/\\S+/s$`,
        "m",
      ),
    );
    const described = await cli("describe", "node", plain.nodeName);
    assert.match(described, /^Allocated resources:$/m);
    assert.match(described, /^\s+cpu\s+100m \(\d+%\)\s+200m \(\d+%\)$/m);
    assert.match(
      described,
      /^\s+default\s+burner-\S+\s+Running\s+100m \(\d+%\)\s+200m \(\d+%\)\s+16Mi \(\d+%\)\s+64Mi \(\d+%\)\s+\d+m\s+\d+Mi\s+\S+$/m,
    );
    assert.match(described, /^Usage:\s+\(at .*, over 1s\)$/m);
  });

  it("a pod that asks for more cpu than the node has is rejected: OutOfcpu, never started", async () => {
    const manifest = path.join(dir, "greedy.yaml");
    await writeFile(manifest, daemonSet("greedy", plain.nodeName, GREEDY));
    await cli("apply", "-f", manifest);
    const rejected = await waitFor(
      async () =>
        (await pods()).find(
          (p) => p.metadata?.name?.startsWith("greedy-") && p.status?.phase === "Failed",
        ),
      { what: "the greedy pod rejected", timeoutMs: 30_000, intervalMs: 200 },
    );
    assert.equal(rejected.status?.reason, "OutOfcpu");
    assert.match(
      rejected.status?.message ?? "",
      new RegExp(
        `^Pod was rejected: Node didn't have enough resource: cpu, requested: 1000000, used: \\d+, capacity: ${os.cpus().length * 1000}$`,
      ),
    );
    const containers = await docker.listContainers({
      all: true,
      filters: { label: [`io.daemonlet.node=${plain.nodeName}`] },
    });
    assert.ok(!containers.some((c) => c.Labels["io.daemonlet.pod-name"]?.startsWith("greedy-")));
    const ds = (await api.get({
      kind: "DaemonSet",
      namespace: "default",
      name: "greedy",
    })) as DaemonSet;
    assert.equal(ds.status?.desiredNumberScheduled, 1);
    assert.equal(ds.status?.numberAvailable ?? 0, 0);
    const explained = await cli("explain", "-f", manifest);
    assert.match(
      explained,
      new RegExp(
        `^${plain.nodeName}\\s+yes \\(rejected by node\\)\\s+OutOfcpu: Pod was rejected: Node didn't have enough resource: cpu`,
        "m",
      ),
    );
    await cli("delete", "ds", "greedy");
  });

  it("/metrics of the agent and the hub are valid Prometheus text with the fleet's figures", async () => {
    const agentText = await (await fetch(metricsUrl(plain))).text();
    const agent = parsePrometheusText(agentText);
    for (const name of [
      "daemonlet_agent_process_resident_memory_bytes",
      "daemonlet_agent_process_cpu_seconds_total",
      "daemonlet_agent_container_restarts_total",
      "daemonlet_agent_probe_results_total",
      "daemonlet_agent_pod_step_duration_seconds",
      "daemonlet_agent_relist_duration_seconds",
    ]) {
      assert.ok(agent.has(name), `agent metric ${name}`);
    }
    const phases = agent.get("daemonlet_agent_pods")?.samples ?? [];
    assert.equal(phases.find((s) => s.labels["phase"] === "Running")?.value, 1);
    const memoryPressure = agent
      .get("daemonlet_agent_node_condition")
      ?.samples.find(
        (s) => s.labels["condition"] === "MemoryPressure" && s.labels["status"] === "False",
      );
    assert.equal(memoryPressure?.value, 1);
    assert.equal(agent.get("daemonlet_agent_hub_connected")?.samples[0]?.value, 1);

    const hubText = await (await fetch(`http://127.0.0.1:${hub.agentPort}/metrics`)).text();
    const hubMetrics = parsePrometheusText(hubText);
    const value = (family: string, labels: Record<string, string>) =>
      hubMetrics
        .get(family)
        ?.samples.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
    assert.equal(value("daemonlet_hub_connected_agents", {}), 2);
    assert.equal(
      value("daemonlet_node_conditions", { condition: "MemoryPressure", status: "True" }),
      1,
    );
    assert.equal(value("daemonlet_node_conditions", { condition: "Ready", status: "True" }), 2);
    assert.equal(value("daemonlet_daemonset_pods", { daemonset: "burner", state: "desired" }), 1);
    assert.ok(
      (value("daemonlet_daemonset_cpu_usage_cores", { daemonset: "burner", aggregation: "sum" }) ??
        0) > 0,
    );
    assert.ok(
      (value("daemonlet_daemonset_memory_usage_bytes", {
        daemonset: "burner",
        aggregation: "max",
      }) ?? 0) > 0,
    );
    const syncs = hubMetrics
      .get("daemonlet_daemonset_sync_duration_seconds")
      ?.samples.find((s) => s.name.endsWith("_count"));
    assert.ok((syncs?.value ?? 0) > 0, "DaemonSet syncs were timed");

    const tool = await promtool();
    if (tool) {
      for (const text of [agentText, hubText]) await promtoolCheckMetrics(tool, text);
    }
  });

  it("the example alert rules are valid and fire when a DaemonSet misses a node", async () => {
    const rules = path.join(REPO, "examples/alerts.yaml");
    const tool = await promtool();
    if (tool) {
      await run(tool, ["check", "rules", rules]);
      const { stdout } = await run(tool, [
        "test",
        "rules",
        path.join(REPO, "examples/alerts.test.yaml"),
      ]);
      assert.match(stdout, /SUCCESS/);
      return;
    }
    // Without promtool: the file is YAML of Prometheus's rule shape, naming metrics the hub has.
    const parsed = parseYaml(readFileSync(rules, "utf8")) as {
      groups: { rules: { alert: string; expr: string }[] }[];
    };
    const every = parsed.groups
      .flatMap((g) => g.rules)
      .find((r) => r.alert === "DaemonSetNotOnEveryNode");
    assert.match(every?.expr ?? "", /daemonlet_daemonset_pods\{state="desired"\}/);
  });
});

describe("fleet visibility: an engine that stops answering", () => {
  let hub: HubProcess;
  let api: HubClient;
  let proxy: DockerSocketProxy;
  let agent: AgentProcess;
  let dir: string;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "daemonlet-fleet-engine-"));
    await writeFile(path.join(dir, "agent.yaml"), "usageIntervalSeconds: 1\n");
    hub = await HubProcess.create();
    await hub.start();
    api = new HubClient(hub.api);
    proxy = await DockerSocketProxy.create();
    agent = await AgentProcess.create("fleet-engine", [
      ...hub.agentArgs(),
      "--config",
      path.join(dir, "agent.yaml"),
      "--docker-socket",
      proxy.socketPath,
    ]);
    await agent.start();
  });

  after(async () => {
    api?.close();
    await agent?.dispose();
    await proxy?.dispose();
    if (agent) await removeNodeContainers(agent.nodeName);
    await hub?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  const ready = async () => {
    const n = (await api.get({ kind: "Node", name: agent.nodeName })) as Node;
    return {
      condition: n.status?.conditions?.find((c) => c.type === "Ready"),
      notReadyTaint: n.spec?.taints?.find((t) => t.key === "node.kubernetes.io/not-ready"),
    };
  };

  it("makes the node Ready=False with the not-ready taint, and Ready again when it is back", async () => {
    await waitFor(ready, { what: "the node Ready", until: (r) => r.condition?.status === "True" });
    await proxy.cut();
    const down = await waitFor(ready, {
      what: "Ready=False once the engine is gone",
      timeoutMs: 20_000,
      until: (r) => r.condition?.status === "False" && r.notReadyTaint !== undefined,
    });
    assert.equal(down.condition?.reason, "AgentNotReady");
    assert.match(down.condition?.message ?? "", /^container runtime is down: /);
    assert.equal(down.notReadyTaint?.effect, "NoExecute");
    assert.match(down.notReadyTaint?.timeAdded ?? "", /^\d{4}-\d\d-\d\dT/);
    await proxy.restore();
    const back = await waitFor(ready, {
      what: "Ready=True once the engine answers again",
      timeoutMs: 20_000,
      until: (r) => r.condition?.status === "True" && r.notReadyTaint === undefined,
    });
    assert.equal(back.condition?.reason, "AgentReady");
  });
});
