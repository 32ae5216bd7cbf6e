// The hub's disk fills up: writes must be refused with an error that says so, the hub must stay
// up (serving reads and its agents' sessions), lose nothing it had acknowledged, and take writes
// again once there is room, with no container restarted. The hub's data dir is a small tmpfs
// mounted for this test (root is needed to mount; the test is skipped, saying why, without it),
// filled with a ballast file and emptied again.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, open, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { DaemonSet } from "kubernetes-types/apps/v1.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import { AgentProcess } from "../support/agent-process.js";
import { HubProcess } from "../support/hub-process.js";
import { daemonlet } from "../support/cli-run.js";
import { daemonSetYaml } from "../support/manifests.js";
import { waitFor } from "../support/wait.js";
import { agentWithContainers, disposeAll } from "../support/cleanup.js";

const run = promisify(execFile);

const daemonSet = (name: string, padding = 0) =>
  daemonSetYaml(name, { annotations: { padding: "x".repeat(padding) } });

/** Writes zeros to `file` until the filesystem refuses (ENOSPC). */
async function fillUp(file: string): Promise<void> {
  const handle = await open(file, "w");
  const chunk = Buffer.alloc(64 * 1024);
  try {
    for (;;) await handle.write(chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
  } finally {
    await handle.close();
  }
}

describe("the hub's disk full", () => {
  let mountPoint: string | undefined;
  let mounted = false;
  let hub: HubProcess | undefined;
  let agent: AgentProcess | undefined;
  let skipReason: string | undefined;

  before(async () => {
    mountPoint = await mkdtemp(path.join(os.tmpdir(), "daemonlet-hubdisk-"));
    try {
      await run("mount", ["-t", "tmpfs", "-o", "size=4m", "tmpfs", mountPoint]);
      mounted = true;
    } catch (error) {
      skipReason = `cannot mount a tmpfs here: ${String(error)}`;
      return;
    }
    hub = await HubProcess.create([], path.join(mountPoint, "hub"));
    await hub.start();
    agent = await AgentProcess.create("diskfull", hub.agentArgs());
    await agent.start();
  });

  after(() =>
    disposeAll([
      agentWithContainers(agent),
      () => hub?.dispose(),
      () => mounted && mountPoint && run("umount", [mountPoint]),
      () => mountPoint && rm(mountPoint, { recursive: true, force: true }),
    ]),
  );

  it("refuses writes clearly while full, keeps serving, and recovers when there is room", async (t) => {
    if (skipReason !== undefined || !hub || !agent || !mountPoint) {
      t.skip(skipReason);
      return;
    }
    const h = hub;
    const a = agent;
    const cli = (...args: string[]) => daemonlet([...args, "--hub", h.api]);
    const dir = await mkdtemp(path.join(os.tmpdir(), "daemonlet-hubdisk-manifests-"));
    try {
      await writeFile(path.join(dir, "before.yaml"), daemonSet("before"));
      assert.equal((await cli("apply", "-f", path.join(dir, "before.yaml"))).code, 0);
      const pod = await waitFor(
        async () => {
          const r = await cli("get", "pods", "-o", "json");
          return (JSON.parse(r.stdout) as { items: Pod[] }).items[0];
        },
        {
          timeoutMs: 60_000,
          what: "the pod to run",
          until: (p) => p.status?.phase === "Running",
        },
      );
      const containerId = pod.status?.containerStatuses?.[0]?.containerID;

      const ballast = path.join(mountPoint, "ballast");
      await fillUp(ballast);
      // Large enough that SQLite must grow its files, which the full disk refuses.
      await writeFile(path.join(dir, "full.yaml"), daemonSet("while-full", 200_000));
      const refused = await cli("apply", "-f", path.join(dir, "full.yaml"));
      t.diagnostic(`apply while full: code ${refused.code}, stderr: ${refused.stderr.trim()}`);
      assert.notEqual(refused.code, 0, "the write is refused");
      assert.match(
        refused.stderr,
        /cannot write to its store .*disk is full.*free space on its disk/,
      );
      assert.ok(h.isRunning(), "the hub is still running");
      const read = await cli("get", "ds", "before", "-o", "json");
      assert.equal(read.code, 0, `reads still work: ${read.stderr}`);
      assert.equal((JSON.parse(read.stdout) as DaemonSet).metadata?.name, "before");

      await rm(ballast);
      await writeFile(path.join(dir, "after.yaml"), daemonSet("after", 200_000));
      const accepted = await waitFor(() => cli("apply", "-f", path.join(dir, "after.yaml")), {
        timeoutMs: 30_000,
        what: "writes to be taken again",
        until: (r) => r.code === 0,
      });
      assert.match(accepted.stdout, /daemonset\.apps\/after created/);
      const pods = await waitFor(
        async () =>
          (JSON.parse((await cli("get", "pods", "-o", "json")).stdout) as { items: Pod[] }).items,
        {
          timeoutMs: 60_000,
          what: "both DaemonSets' pods to run",
          until: (ps) => ps.length === 2 && ps.every((p) => p.status?.phase === "Running"),
        },
      );
      const same = pods.find((p) => p.metadata?.uid === pod.metadata?.uid);
      assert.equal(same?.status?.containerStatuses?.[0]?.containerID, containerId);
      assert.equal(same?.status?.containerStatuses?.[0]?.restartCount, 0);
      assert.ok(h.isRunning() && a.isRunning());
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
