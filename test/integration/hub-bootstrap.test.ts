// A fleet that needs nothing but agents: the first node's agent runs the hub as a static pod
// (image built from this checkout, examples/hub-static-pod.yaml), then joins that hub. The hub's
// container is adopted across the agent's restart, shows as a mirror pod, and schedules.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { after, before, describe, it } from "node:test";
import Docker from "dockerode";
import type { Pod } from "kubernetes-types/core/v1.js";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { LABEL } from "../../agent/runtime/labels.js";
import { AgentProcess } from "../support/agent-process.js";
import { REPO } from "../support/cli-process.js";
import { daemonlet } from "../support/cli-run.js";
import { removeNodeContainers } from "../support/docker-cleanup.js";
import { freePort } from "../support/free-port.js";
import { waitFor } from "../support/wait.js";

const run = promisify(execFile);
const DAEMONSET = `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: boot-check}
spec:
  selector: {matchLabels: {app: boot-check}}
  template:
    metadata: {labels: {app: boot-check}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - {name: main, image: busybox:1.36, command: [sleep, "3600"]}
`;
const docker = new Docker();

describe("the hub as a static pod of the first node's agent", () => {
  let agent: AgentProcess;
  let hubData: string;
  let agentPort: number;
  let apiPort: number;
  let configDir: string;
  let config: string;

  const cli = async (...args: string[]) => {
    const admin = path.join(hubData, "admin.conf");
    const r = await daemonlet(["--admin-config", admin, ...args, "--hub", `127.0.0.1:${apiPort}`]);
    assert.equal(r.code, 0, `daemonlet ${args.join(" ")} failed: ${r.stderr}`);
    return r.stdout;
  };
  const hubContainer = async () =>
    (
      await docker.listContainers({
        filters: { label: [`${LABEL.node}=${agent.nodeName}`, `${LABEL.container}=hub`] },
      })
    ).map((c) => c.Id);

  before(async () => {
    const { stdout } = await run("bash", [path.join(REPO, "scripts/build-hub-image.sh")], {
      timeout: 300_000,
    });
    const image = stdout.trim();
    configDir = await mkdtemp(path.join(os.tmpdir(), "daemonlet-bootstrap-"));
    config = path.join(configDir, "agent.yaml");
    await writeFile(config, "{}\n");
    agent = await AgentProcess.create("bootstrap", ["--config", config]);
    hubData = path.join(agent.hostData, "hub");
    [agentPort, apiPort] = [await freePort(), await freePort()];
    // The example manifest, with this test's ports and data dir.
    const manifest = parseYaml(
      await readFile(path.join(REPO, "examples/hub-static-pod.yaml"), "utf8"),
    ) as Pod;
    const [container] = manifest.spec?.containers ?? [];
    assert.ok(container && manifest.spec?.volumes?.[0]?.hostPath);
    container.image = image;
    container.args = [
      ...(container.args ?? []),
      "--listen",
      `127.0.0.1:${agentPort}`,
      "--api-listen",
      `127.0.0.1:${apiPort}`,
    ];
    container.livenessProbe = {
      ...container.livenessProbe,
      httpGet: { path: "/healthz", port: agentPort, scheme: "HTTPS", host: "127.0.0.1" },
    };
    manifest.spec.volumes[0].hostPath.path = hubData;
    await writeFile(path.join(agent.manifests, "hub.yaml"), stringifyYaml(manifest));
  });

  after(async () => {
    await agent?.dispose();
    if (agent) await removeNodeContainers(agent.nodeName);
    await rm(configDir, { recursive: true, force: true });
  });

  it("starts the hub from the agent alone, then joins it without restarting it", async () => {
    await agent.start();
    await waitFor(() => existsSync(path.join(hubData, "admin.conf")), {
      what: "the hub in its static pod to write admin.conf",
      timeoutMs: 60_000,
    });
    const [hubId] = await hubContainer();
    assert.ok(hubId);
    const join = (await cli("token", "create", "--ttl", "10m")).trim();

    // The node joins its own hub: the agent restarts with hub and token; the hub keeps running.
    await agent.kill("SIGTERM");
    await writeFile(config, stringifyYaml({ hub: `wss://127.0.0.1:${agentPort}`, token: join }));
    await agent.start();
    const mirror = await waitFor(
      async () =>
        (
          JSON.parse(await cli("get", "pods", "-n", "kube-system", "-o", "json")) as {
            items: Pod[];
          }
        ).items.find((p) => p.metadata?.name === `daemonlet-hub-${agent.nodeName}`),
      {
        what: "the hub's own mirror pod, Running",
        timeoutMs: 30_000,
        until: (p) => p.status?.phase === "Running",
      },
    );
    assert.equal(mirror.spec?.nodeName, agent.nodeName);
    assert.deepEqual(
      await hubContainer(),
      [hubId],
      "the hub's container was adopted, not restarted",
    );

    // And it schedules: a DaemonSet lands on the node that runs it.
    await writeFile(path.join(configDir, "ds.yaml"), DAEMONSET);
    await cli("apply", "-f", path.join(configDir, "ds.yaml"));
    await waitFor(
      async () =>
        (await agent.pods()).find(
          (p) => p.metadata?.labels?.["app"] === "boot-check" && p.status?.phase === "Running",
        ),
      {
        what: "the DaemonSet's pod running on the hub's node",
        timeoutMs: 30_000,
      },
    );
  });
});
