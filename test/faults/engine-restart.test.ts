// A real Docker engine restart under a running agent with hub pods: dockerd stopped (SIGTERM, as
// `systemctl restart docker` does) and started again. The shared engine must never be restarted,
// so the agent runs on a private engine of its own (test/support/private-engine.ts). Two ways an
// operator runs Docker:
// - with live-restore, containers outlive dockerd: nothing may be restarted, the agent adopts the
//   same containers when the engine is back;
// - without it, dockerd stops every container on its way down: the agent must bring each pod back
//   in place (same pod, a new container) and nothing more.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import type { Pod } from "kubernetes-types/core/v1.js";
import { LABEL } from "../../agent/runtime/labels.js";
import { AgentProcess, type LogLine } from "../support/agent-process.js";
import { HubProcess } from "../support/hub-process.js";
import { daemonSetYaml, TEST_IMAGE, yamlDocuments } from "../support/manifests.js";
import { PrivateEngine } from "../support/private-engine.js";
import { waitFor } from "../support/wait.js";
import { disposeAll } from "../support/cleanup.js";

const DAEMONSETS = ["alpha", "bravo", "charlie"];

interface Running {
  id: string;
  pid: number;
}

const since = (logs: LogLine[], mark: number, message: string) =>
  logs.slice(mark).find((l) => l.message === message);

for (const liveRestore of [true, false]) {
  describe(`Docker engine restart ${liveRestore ? "with" : "without"} live-restore`, () => {
    let engine: PrivateEngine;
    let hub: HubProcess;
    let agent: AgentProcess;

    const pods = async () =>
      (JSON.parse(await hub.cli("get", "pods", "-o", "json")) as { items: Pod[] }).items;

    /**
     * Every pod Running and Ready at the hub, its status naming the container in `containers`
     * when given (so that statuses from before an outage do not pass); pod uid → restart count.
     */
    const settled = async (what: string, containers?: Map<string, Running>) => {
      const found = await waitFor(pods, {
        timeoutMs: 90_000,
        what,
        until: (all) =>
          all.length === DAEMONSETS.length &&
          all.every(
            (p) =>
              p.status?.phase === "Running" &&
              p.status.conditions?.some((c) => c.type === "Ready" && c.status === "True") &&
              (containers === undefined ||
                p.status.containerStatuses?.[0]?.containerID ===
                  `docker://${containers.get(p.metadata?.name ?? "")?.id}`),
          ),
      });
      return new Map(
        found.map((p) => [p.metadata?.uid ?? "", p.status?.containerStatuses?.[0]?.restartCount]),
      );
    };

    /** pod name → its one running container; undefined unless every pod has exactly one. */
    const running = async (): Promise<Map<string, Running> | undefined> => {
      const api = engine.api;
      const all = await api.listContainers({ all: true });
      const byPod = new Map<string, Running>();
      for (const c of all) {
        const pod = c.Labels[LABEL.podName] ?? "";
        // A stopped container may stay beside its replacement, for `logs --previous`.
        if (c.State !== "running") continue;
        if (byPod.has(pod)) return undefined;
        const { State } = await api.getContainer(c.Id).inspect();
        byPod.set(pod, { id: c.Id, pid: State.Pid });
      }
      return byPod.size === DAEMONSETS.length ? byPod : undefined;
    };

    before(async () => {
      engine = await PrivateEngine.create({ liveRestore });
      await engine.loadImage(TEST_IMAGE);
      hub = await HubProcess.create();
      await hub.start();
      agent = await AgentProcess.create("engine-restart", [
        ...hub.agentArgs(),
        "--docker-socket",
        engine.socketPath,
      ]);
      await agent.start();
      const file = path.join(hub.dataDir, "pods.yaml");
      const manifests = DAEMONSETS.map((name) => daemonSetYaml(name));
      await writeFile(file, yamlDocuments(manifests));
      await hub.cli("apply", "-f", file);
    });

    after(() =>
      disposeAll([() => agent?.dispose(), () => hub?.dispose(), () => engine?.dispose()]),
    );

    it(
      liveRestore
        ? "keeps every container running through the restart and restarts none"
        : "brings every pod back in place, one new container each",
      async () => {
        const restartsBefore = await settled("pods running before the restart");
        assert.deepEqual([...restartsBefore.values()], [0, 0, 0]);
        const before = await waitFor(running, { timeoutMs: 30_000, what: "one container per pod" });
        const mark = agent.logs.length;

        await engine.stop();
        const processesAlive = [...before.values()].map((c) => existsSync(`/proc/${c.pid}`));
        assert.deepEqual(
          processesAlive,
          DAEMONSETS.map(() => liveRestore),
          liveRestore
            ? "live-restore keeps the containers' processes while dockerd is down"
            : "without live-restore dockerd stops the containers on its way down",
        );
        await waitFor(
          () =>
            since(
              agent.logs,
              mark,
              "container engine unreachable; pods keep their last known state",
            ),
          { timeoutMs: 30_000, what: "the agent to notice the engine is gone" },
        );
        assert.ok(agent.isRunning(), "the agent outlives its engine");

        await engine.start();
        await waitFor(() => since(agent.logs, mark, "container engine reachable again"), {
          timeoutMs: 60_000,
          what: "the agent to see the engine again",
        });
        const after = await waitFor(running, { timeoutMs: 60_000, what: "one container per pod" });
        const restartsAfter = await settled("the hub to report the containers running now", after);
        assert.deepEqual(
          [...restartsAfter.keys()].sort(),
          [...restartsBefore.keys()].sort(),
          "the same pods (by uid): none lost or recreated",
        );
        if (liveRestore) {
          assert.deepEqual(after, before, "the same containers and processes");
          assert.deepEqual([...restartsAfter.values()], [0, 0, 0], "no restart");
        } else {
          assert.deepEqual([...after.keys()].sort(), [...before.keys()].sort());
          for (const [pod, container] of after) {
            assert.notEqual(container.id, before.get(pod)?.id, `${pod} runs a new container`);
          }
          // One new start for the container dockerd stopped. The agent may also have tried once
          // while dockerd was going down (it sees the exit before the socket goes): the engine
          // refuses that start, and like the kubelet the agent counts the attempt.
          for (const [uid, restarts] of restartsAfter) {
            assert.ok(
              restarts !== undefined && restarts >= 1 && restarts <= 2,
              `pod ${uid}: ${restarts} restarts, expected one start, at most one refused attempt more`,
            );
          }
        }
      },
    );
  });
}
