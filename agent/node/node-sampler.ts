// Reads what the node has and uses: cpu, memory, network counters and pids from /proc, and the
// engine's data root through statfs (the one filesystem that matters to pods; systeminformation's
// fsSize lists every mount, the containers' overlays included). The /proc readers replace
// systeminformation's currentLoad, which ran `cat /proc/stat` in a shell on every sample, and its
// mem; they keep its formulas. Each call's cost is in bench/.
import { readFileSync } from "node:fs";
import { statfs } from "node:fs/promises";
import { networkInterfaces } from "node:os";

export interface NodeSample {
  /** Cores busy over the time since the previous sample (0 on the first). */
  cpuCores: number;
  memoryTotalBytes: number;
  memoryAvailableBytes: number;
  /** What the kubelet calls the working set: total minus available. */
  memoryWorkingSetBytes: number;
  nodefsTotalBytes: number;
  nodefsAvailableBytes: number;
  nodefsUsedBytes: number;
  /** Bytes per second over the time since the previous sample, summed over the node's own interfaces. */
  networkRxBytesPerSecond: number;
  networkTxBytesPerSecond: number;
  pidMax: number;
  pidAvailable: number;
}

/**
 * A /proc file, read synchronously: the kernel makes it on read and never waits on a disk, and
 * the thread pool's open, fstat, read and close would each wake the agent's loop (as in
 * container-cgroups.ts).
 */
function readProc(file: string): string {
  return readFileSync(file, "utf8");
}

/** Interfaces of the engine's own networks: their traffic is pods', and crosses a real one too. */
const VIRTUAL_INTERFACE = /^(lo|veth.*|docker\d*|br-.*)$/;

export class NodeSampler {
  private lastCpu?: CpuTicks;
  private lastNetwork?: { at: number; rx: number; tx: number };

  constructor(private readonly dataRoot: string) {}

  async sample(): Promise<NodeSample> {
    const fs = await this.nodefs();
    const cpuCores = this.cpu();
    const mem = parseMeminfo(readProc("/proc/meminfo"));
    const network = this.network();
    const pids = pidFigures();
    return {
      cpuCores,
      memoryTotalBytes: mem.total,
      memoryAvailableBytes: mem.available,
      memoryWorkingSetBytes: mem.total - mem.available,
      ...fs,
      ...network,
      ...pids,
    };
  }

  /** Cores busy since the previous sample. */
  private cpu(): number {
    const now = parseProcStat(readProc("/proc/stat"));
    const last = this.lastCpu;
    this.lastCpu = now;
    if (!last || now.total <= last.total) return 0;
    return ((now.busy - last.busy) / (now.total - last.total)) * now.cores;
  }

  /** Capacity of the data root's filesystem, for the node's ephemeral-storage. */
  async nodefsBytes(): Promise<number> {
    return (await this.nodefs()).nodefsTotalBytes;
  }

  private async nodefs() {
    const s = await statfs(this.dataRoot).catch(() => statfs("/"));
    return {
      nodefsTotalBytes: s.blocks * s.bsize,
      nodefsAvailableBytes: s.bavail * s.bsize,
      nodefsUsedBytes: (s.blocks - s.bfree) * s.bsize,
    };
  }

  /**
   * Counters from /proc/net/dev rather than systeminformation's networkStats, which runs a
   * shell per interface (every pod's veth among them) and blocked the agent for seconds a
   * minute at 20 pods. Same interfaces as before: those with an address, less the virtual ones.
   */
  private network() {
    const addressed = new Set(Object.keys(networkInterfaces()));
    const own = parseNetDev(readProc("/proc/net/dev")).filter(
      (s) => addressed.has(s.iface) && !VIRTUAL_INTERFACE.test(s.iface),
    );
    const now = {
      at: Date.now(),
      rx: sum(own.map((s) => s.rxBytes)),
      tx: sum(own.map((s) => s.txBytes)),
    };
    const last = this.lastNetwork;
    this.lastNetwork = now;
    const seconds = last ? (now.at - last.at) / 1000 : 0;
    const rate = (a: number, b: number) => (seconds > 0 ? Math.max(0, (a - b) / seconds) : 0);
    return {
      networkRxBytesPerSecond: rate(now.rx, last?.rx ?? 0),
      networkTxBytesPerSecond: rate(now.tx, last?.tx ?? 0),
    };
  }
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/**
 * `/proc/net/dev`: two header lines, then `iface: rx_bytes rx_packets … (8 receive fields)
 * tx_bytes …` per interface.
 */
export function parseNetDev(text: string): { iface: string; rxBytes: number; txBytes: number }[] {
  return text.split("\n").flatMap((line) => {
    const m = /^\s*([^:\s]+):\s*(.*)$/.exec(line);
    if (!m) return [];
    const fields = (m[2] ?? "").trim().split(/\s+/).map(Number);
    const rxBytes = fields[0];
    const txBytes = fields[8];
    if (rxBytes === undefined || txBytes === undefined || Number.isNaN(rxBytes + txBytes))
      return [];
    return [{ iface: m[1] ?? "", rxBytes, txBytes }];
  });
}

export interface CpuTicks {
  /** Ticks of all cores together that were not idle. */
  busy: number;
  /** Busy plus idle ticks. */
  total: number;
  cores: number;
}

/**
 * `/proc/stat`'s `cpu` line (all cores together) and its count of `cpuN` lines. Busy is user,
 * nice, system, irq, steal and guest, and the total adds idle: systeminformation's currentLoad
 * formula (iowait and softirq count in neither, as in the os.cpus() times it starts from).
 */
export function parseProcStat(text: string): CpuTicks {
  const lines = text.split("\n");
  const fields = (lines.find((l) => l.startsWith("cpu ")) ?? "").trim().split(/\s+/).map(Number);
  const [user = 0, nice = 0, system = 0, idle = 0, , irq = 0, , steal = 0, guest = 0] =
    fields.slice(1);
  const busy = user + nice + system + irq + steal + guest;
  return { busy, total: busy + idle, cores: lines.filter((l) => /^cpu\d+\s/.test(l)).length };
}

/**
 * `/proc/meminfo` in bytes: MemTotal, and MemAvailable (the kernel's estimate), else free plus
 * buffers, page cache and slab on kernels without it, as systeminformation's mem.
 */
export function parseMeminfo(text: string): { total: number; available: number } {
  const kb = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? 0) * 1024;
  const available = kb("MemAvailable") || kb("MemFree") + kb("Buffers") + kb("Cached") + kb("Slab");
  return { total: kb("MemTotal"), available };
}

/** As the kubelet counts: the pid space is the smaller of pid_max and threads-max, less every task. */
function pidFigures(): { pidMax: number; pidAvailable: number } {
  const max = Math.min(
    Number(readProc("/proc/sys/kernel/pid_max")),
    Number(readProc("/proc/sys/kernel/threads-max")),
  );
  const tasks = Number(/\d+\/(\d+)/.exec(readProc("/proc/loadavg"))?.[1] ?? 0);
  return { pidMax: max, pidAvailable: Math.max(0, max - tasks) };
}
