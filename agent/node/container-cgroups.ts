// A container's cumulative cpu time and memory working set, read from its cgroup files. Reading
// two small files costs tens of microseconds, where the engine's stats call costs milliseconds
// (and 1–2 s without one-shot); bench/usage-calls.ts measures both. Both cgroup layouts and both
// of Docker's cgroup drivers are covered; a container whose files are not found (the agent runs
// in a container without the host's /sys/fs/cgroup) is read through the engine instead.
// The reads are synchronous: a cgroup file is made by the kernel on read, never waits on a disk,
// and the thread pool's open, fstat, read and close per file cost more than the read itself
// (three files per container, every usage interval).
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";

export interface ContainerCounters {
  /** Cumulative cpu time, in nanoseconds. */
  cpuNanos: number;
  /** Memory in use less inactive file pages (cAdvisor's working set, which the kubelet reports). */
  memoryWorkingSetBytes: number;
}

interface CgroupFiles {
  cpu: string;
  memoryUsage: string;
  memoryStat: string;
  /** cgroup v2 reports cpu in microseconds in cpu.stat; v1 in nanoseconds in cpuacct.usage. */
  version: 1 | 2;
}

export class ContainerCgroups {
  private readonly found = new Map<string, CgroupFiles | null>();

  constructor(private readonly root = "/sys/fs/cgroup") {}

  /** Undefined when the container's cgroup files are not where Docker puts them. */
  async read(id: string): Promise<ContainerCounters | undefined> {
    const files = await this.locate(id);
    if (!files) return undefined;
    try {
      const cpu = readFileSync(files.cpu, "utf8");
      const usage = readFileSync(files.memoryUsage, "utf8");
      const stat = readFileSync(files.memoryStat, "utf8");
      const inactive = statField(
        stat,
        files.version === 1 ? "total_inactive_file" : "inactive_file",
      );
      return {
        cpuNanos: files.version === 1 ? Number(cpu.trim()) : statField(cpu, "usage_usec") * 1000,
        memoryWorkingSetBytes: Math.max(0, Number(usage.trim()) - inactive),
      };
    } catch {
      // The container went away between the listing and the read.
      this.found.delete(id);
      return undefined;
    }
  }

  forget(keep: ReadonlySet<string>): void {
    for (const id of this.found.keys()) if (!keep.has(id)) this.found.delete(id);
  }

  private async locate(id: string): Promise<CgroupFiles | undefined> {
    const known = this.found.get(id);
    if (known !== undefined) return known ?? undefined;
    const r = this.root;
    const candidates: CgroupFiles[] = [
      ...[`docker/${id}`, `system.slice/docker-${id}.scope`].map((dir): CgroupFiles => ({
        cpu: `${r}/${dir}/cpu.stat`,
        memoryUsage: `${r}/${dir}/memory.current`,
        memoryStat: `${r}/${dir}/memory.stat`,
        version: 2,
      })),
      ...[`docker/${id}`, `system.slice/docker-${id}.scope`].map((dir): CgroupFiles => ({
        cpu: `${r}/cpuacct/${dir}/cpuacct.usage`,
        memoryUsage: `${r}/memory/${dir}/memory.usage_in_bytes`,
        memoryStat: `${r}/memory/${dir}/memory.stat`,
        version: 1,
      })),
    ];
    for (const files of candidates) {
      const ok = await Promise.all([readFile(files.cpu), readFile(files.memoryUsage)]).then(
        () => true,
        () => false,
      );
      if (ok) {
        this.found.set(id, files);
        return files;
      }
    }
    this.found.set(id, null);
    return undefined;
  }
}

function statField(text: string, key: string): number {
  const match = new RegExp(`^${key} (\\d+)$`, "m").exec(text);
  return match ? Number(match[1]) : 0;
}
