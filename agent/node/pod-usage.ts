// Per-container cpu and memory of the node's pods: counters read on each sample (cgroup files,
// the engine as a fallback), cpu turned into a rate from the previous reading.
import type { PodUsage } from "../../proto/hub-agent-frames.js";
import type { ContainerRuntime, ObservedContainer } from "../runtime/runtime.js";
import type { ContainerCgroups, ContainerCounters } from "./container-cgroups.js";

interface Reading extends ContainerCounters {
  at: number;
}

export class PodUsageCollector {
  private readonly previous = new Map<string, Reading>();

  constructor(
    private readonly cgroups: ContainerCgroups,
    private readonly runtime: ContainerRuntime,
  ) {}

  /** `containers`: the running containers of each pod uid. */
  async collect(pods: ReadonlyMap<string, readonly ObservedContainer[]>): Promise<PodUsage[]> {
    const running = [...pods.values()].flat().filter((c) => c.state === "running");
    const ids = new Set(running.map((c) => c.id));
    for (const id of this.previous.keys()) if (!ids.has(id)) this.previous.delete(id);
    this.cgroups.forget(ids);
    const now = Date.now();
    const readings = new Map(
      await Promise.all(running.map(async (c) => [c.id, await this.read(c.id)] as const)),
    );
    const usage: PodUsage[] = [];
    for (const [uid, containers] of pods) {
      const live = containers.filter((c) => c.state === "running");
      const [first] = live;
      if (!first) continue;
      usage.push({
        uid,
        namespace: first.namespace,
        name: first.podName,
        containers: live.flatMap((c) => {
          const reading = readings.get(c.id);
          if (!reading) return [];
          const before = this.previous.get(c.id);
          this.previous.set(c.id, { ...reading, at: now });
          const seconds = before ? (now - before.at) / 1000 : 0;
          const cpuNanoCores =
            before && seconds > 0
              ? Math.max(0, Math.round((reading.cpuNanos - before.cpuNanos) / seconds))
              : 0;
          return [
            {
              name: c.containerName,
              cpuNanoCores,
              memoryWorkingSetBytes: reading.memoryWorkingSetBytes,
            },
          ];
        }),
      });
    }
    return usage;
  }

  private async read(id: string): Promise<ContainerCounters | undefined> {
    return (await this.cgroups.read(id)) ?? (await this.runtime.stats(id).catch(() => undefined));
  }
}
