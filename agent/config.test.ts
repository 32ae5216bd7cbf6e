import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { ConfigError, loadAgentConfig, type AgentConfig } from "./config.js";
import { DEFAULT_HOST_PATH_POLICY } from "../hostpaths/index.js";

const DEFAULTS: AgentConfig = {
  nodeName: os.hostname().toLowerCase(),
  manifests: "/etc/daemonlet/manifests",
  stateDir: "/var/lib/daemonlet",
  allowedHostPaths: ["/var/log"],
  readOnlyHostPaths: ["/proc", "/sys", "/var/lib/docker/containers"],
  dockerSocket: "/var/run/docker.sock",
  insecure: false,
  registryAuthFile: "/etc/daemonlet/registry-auth.json",
  nodeLabels: {},
  nodeTaints: [],
  maxPods: 110,
  systemReserved: {},
  agentReserved: {},
  pressureThresholds: {
    "memory.available": "100Mi",
    "nodefs.available": "10%",
    "pid.available": "10%",
  },
  dockerDataRoot: "/var/lib/docker",
  usageIntervalSeconds: 10,
  metricsListen: "127.0.0.1:7462",
  relistIntervalSeconds: 2,
  logFormat: "json",
  logLevel: "info",
};

const FULL_FILE = `# every key, none at its default
nodeName: node-a.example
manifests: /srv/manifests
stateDir: /srv/state
allowedHostPaths: [/var/log, /srv/data]
readOnlyHostPaths:
  - /proc
nodeIP: 10.0.0.7
dockerSocket: /run/docker-alt.sock
registryAuthFile: /srv/registry-auth.json
relistIntervalSeconds: 0.5
logFormat: text
logLevel: debug
`;

/** Asserts that `promise` rejects with a ConfigError whose message matches every pattern. */
async function rejectsWithConfigError(promise: Promise<unknown>, ...patterns: (string | RegExp)[]) {
  const err = await promise.then(
    (value) => assert.fail(`expected a ConfigError, got ${JSON.stringify(value)}`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
  assert.equal(err.name, "ConfigError");
  for (const p of patterns) {
    if (typeof p === "string") assert.ok(err.message.includes(p), `"${p}" in: ${err.message}`);
    else assert.match(err.message, p);
  }
  return err;
}

describe("loadAgentConfig", () => {
  let dir: string;
  let n = 0;
  /** A config file with this text in the test's temp dir. */
  const file = async (text: string): Promise<string> => {
    const p = path.join(dir, `agent-${++n}.yaml`);
    await writeFile(p, text);
    return p;
  };

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "daemonlet-config-"));
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test("without a file or flags every key has its default", async () => {
    const config = await loadAgentConfig(undefined, {});
    assert.deepEqual(config, DEFAULTS);
    assert.equal(config.nodeIP, undefined, "the node IP is detected later, not defaulted");
    assert.deepEqual(config.allowedHostPaths, DEFAULT_HOST_PATH_POLICY.allowedRoots);
    assert.deepEqual(config.readOnlyHostPaths, DEFAULT_HOST_PATH_POLICY.readOnlyRoots);
  });

  test("the defaults are copies: changing one config does not change the next", async () => {
    const first = await loadAgentConfig(undefined, {});
    first.allowedHostPaths.push("/etc");
    first.readOnlyHostPaths.length = 0;
    const second = await loadAgentConfig(undefined, {});
    assert.deepEqual(second.allowedHostPaths, ["/var/log"]);
    assert.deepEqual(second.readOnlyHostPaths, DEFAULTS.readOnlyHostPaths);
    assert.deepEqual(DEFAULT_HOST_PATH_POLICY.allowedRoots, ["/var/log"]);
  });

  test("flags set to undefined (not given on the command line) leave the defaults", async () => {
    const config = await loadAgentConfig(undefined, {
      nodeName: undefined,
      manifests: undefined,
      allowedHostPaths: undefined,
      logFormat: undefined,
    });
    assert.deepEqual(config, DEFAULTS);
  });

  test("a YAML file's values are used", async () => {
    const config = await loadAgentConfig(await file(FULL_FILE), {});
    assert.deepEqual(config, {
      nodeName: "node-a.example",
      manifests: "/srv/manifests",
      stateDir: "/srv/state",
      allowedHostPaths: ["/var/log", "/srv/data"],
      readOnlyHostPaths: ["/proc"],
      nodeIP: "10.0.0.7",
      dockerSocket: "/run/docker-alt.sock",
      registryAuthFile: "/srv/registry-auth.json",
      insecure: false,
      nodeLabels: {},
      nodeTaints: [],
      maxPods: 110,
      systemReserved: {},
      agentReserved: {},
      pressureThresholds: DEFAULTS.pressureThresholds,
      dockerDataRoot: "/var/lib/docker",
      usageIntervalSeconds: 10,
      metricsListen: "127.0.0.1:7462",
      relistIntervalSeconds: 0.5,
      logFormat: "text",
      logLevel: "debug",
    } satisfies AgentConfig);
  });

  test("a ws:// hub with insecure, and taints, are taken", async () => {
    const p = await file(
      "hub: ws://10.0.0.1:7460\ninsecure: true\nnodeTaints: [{key: dedicated, value: infra, effect: NoSchedule}]\n",
    );
    const config = await loadAgentConfig(p, {});
    assert.equal(config.insecure, true);
    assert.deepEqual(config.nodeTaints, [
      { key: "dedicated", value: "infra", effect: "NoSchedule" },
    ]);
  });

  test("a file with some keys keeps the defaults for the others", async () => {
    const config = await loadAgentConfig(await file("stateDir: /srv/state\n"), {});
    assert.deepEqual(config, { ...DEFAULTS, stateDir: "/srv/state" });
  });

  test("an empty file (or only comments) means all defaults", async () => {
    assert.deepEqual(await loadAgentConfig(await file(""), {}), DEFAULTS);
    assert.deepEqual(await loadAgentConfig(await file("# nothing yet\n"), {}), DEFAULTS);
  });

  test("flags win over the file; keys no flag sets come from the file", async () => {
    const config = await loadAgentConfig(await file(FULL_FILE), {
      nodeName: "from-flag",
      allowedHostPaths: ["/flag/only"],
      nodeIP: "fd00::1",
      logFormat: "json",
      stateDir: undefined,
    });
    assert.equal(config.nodeName, "from-flag");
    assert.deepEqual(config.allowedHostPaths, ["/flag/only"], "a list flag replaces the list");
    assert.equal(config.nodeIP, "fd00::1");
    assert.equal(config.logFormat, "json");
    // Not given as flags: the file's.
    assert.equal(config.stateDir, "/srv/state");
    assert.equal(config.manifests, "/srv/manifests");
    assert.deepEqual(config.readOnlyHostPaths, ["/proc"]);
    assert.equal(config.logLevel, "debug");
  });

  test("an unknown key in the file is refused, naming the key and the file", async () => {
    const p = await file("nodeName: n1\nnode-name: n2\n");
    await rejectsWithConfigError(loadAgentConfig(p, {}), p, '"node-name"', /unrecognized key/i);
  });

  const badValues: { name: string; yaml: string; key: string; why?: RegExp }[] = [
    { name: "a log format outside the enum", yaml: "logFormat: xml", key: "logFormat" },
    { name: "a log level outside the enum", yaml: "logLevel: trace", key: "logLevel" },
    {
      name: "a node name that is not a DNS subdomain",
      yaml: "nodeName: Node_1",
      key: "nodeName",
      why: /DNS subdomain/,
    },
    { name: "a node IP that is not an address", yaml: "nodeIP: 10.0.0", key: "nodeIP" },
    {
      name: "a relist interval of zero",
      yaml: "relistIntervalSeconds: 0",
      key: "relistIntervalSeconds",
    },
    {
      name: "a relist interval as a string",
      yaml: 'relistIntervalSeconds: "2"',
      key: "relistIntervalSeconds",
    },
    {
      name: "a single path where a list is wanted",
      yaml: "allowedHostPaths: /var/log",
      key: "allowedHostPaths",
      why: /array/,
    },
    {
      name: "a list entry that is not a string",
      yaml: "readOnlyHostPaths: [1]",
      key: "readOnlyHostPaths.0",
    },
    {
      name: "a plain ws:// hub without insecure",
      yaml: "hub: ws://10.0.0.1:7460",
      key: "hub",
      why: /not encrypted.*--insecure/,
    },
    {
      name: "a taint with an unknown effect",
      yaml: "nodeTaints: [{key: dedicated, effect: NoRun}]",
      key: "nodeTaints.0.effect",
    },
  ];
  for (const c of badValues) {
    test(`${c.name} is refused, naming the key and the file`, async () => {
      const p = await file(`${c.yaml}\n`);
      await rejectsWithConfigError(
        loadAgentConfig(p, {}),
        p,
        `${c.key}: `,
        ...(c.why ? [c.why] : []),
      );
    });
  }

  test("every bad key is reported at once, not only the first", async () => {
    const p = await file("logFormat: xml\nlogLevel: trace\nbogus: 1\n");
    await rejectsWithConfigError(loadAgentConfig(p, {}), p, "logFormat: ", "logLevel: ", '"bogus"');
  });

  test("a bad flag value is refused, naming the key", async () => {
    await rejectsWithConfigError(loadAgentConfig(undefined, { nodeIP: "not-an-ip" }), "nodeIP: ");
  });

  test("a missing file is a ConfigError naming it", async () => {
    const p = path.join(dir, "absent.yaml");
    await rejectsWithConfigError(loadAgentConfig(p, {}), p, /ENOENT/);
  });

  test("a file that is not YAML is a ConfigError naming it and the line", async () => {
    const p = await file("nodeName: [n1\nlogLevel: info\n");
    await rejectsWithConfigError(loadAgentConfig(p, {}), p, /line \d+/);
  });

  test("a file that is not a mapping of keys is refused", async () => {
    const list = await file("- nodeName: n1\n");
    await rejectsWithConfigError(loadAgentConfig(list, {}), list, "must be a mapping");
    const scalar = await file("just text\n");
    await rejectsWithConfigError(loadAgentConfig(scalar, {}), scalar, "must be a mapping");
  });

  test("node resources: reservations, thresholds and taints are read and checked", async () => {
    const config = await loadAgentConfig(
      await file(
        [
          "systemReserved: {cpu: 500m, memory: 1Gi}",
          "agentReserved: {ephemeral-storage: 2Gi}",
          'pressureThresholds: {"memory.available": 1Gi}',
          "nodeTaints: [{key: dedicated, value: logs, effect: NoSchedule}]",
          "",
        ].join("\n"),
      ),
      {},
    );
    assert.deepEqual(config.systemReserved, { cpu: "500m", memory: "1Gi" });
    assert.deepEqual(config.agentReserved, { "ephemeral-storage": "2Gi" });
    assert.deepEqual(config.pressureThresholds, {
      ...DEFAULTS.pressureThresholds,
      "memory.available": "1Gi",
    });
    assert.deepEqual(config.nodeTaints, [
      { key: "dedicated", value: "logs", effect: "NoSchedule" },
    ]);
    const bad = await file(
      [
        "systemReserved: {cpu: lots}",
        'pressureThresholds: {"nodefs.available": "150%", "inodes.free": 5%}',
        "nodeTaints: [{key: a, effect: Sometimes}]",
        "",
      ].join("\n"),
    );
    await rejectsWithConfigError(
      loadAgentConfig(bad, {}),
      "systemReserved.cpu: must be a non-negative quantity",
      "pressureThresholds.nodefs.available: must be a percentage",
      "nodeTaints.0.effect",
    );
  });
});
