// Reads what the node has and uses: cpu and memory through systeminformation (loaded on first
// use, so an agent that never samples never pays for it), the engine's data root through
// statfs (the one filesystem that matters to pods, where systeminformation's fsSize lists every
// mount, the containers' overlays included), network counters and pids from /proc. Each call's
// cost is in bench/.
import { readFile, statfs } from "node:fs/promises";
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

type SystemInformation = typeof import("systeminformation");

/** Interfaces of the engine's own networks: their traffic is pods', and crosses a real one too. */
const VIRTUAL_INTERFACE = /^(lo|veth.*|docker\d*|br-.*)$/;

export class NodeSampler {
  private si?: Promise<SystemInformation>;
  private lastNetwork?: { at: number; rx: number; tx: number };

  constructor(private readonly dataRoot: string) {}

  async sample(): Promise<NodeSample> {
    const si = await (this.si ??= import("systeminformation"));
    const [load, mem, fs, network, pids] = await Promise.all([
      si.currentLoad(),
      si.mem(),
      this.nodefs(),
      this.network(),
      pidFigures(),
    ]);
    return {
      cpuCores: (load.currentLoad / 100) * load.cpus.length,
      memoryTotalBytes: mem.total,
      memoryAvailableBytes: mem.available,
      memoryWorkingSetBytes: mem.total - mem.available,
      ...fs,
      ...network,
      ...pids,
    };
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
  private async network() {
    const addressed = new Set(Object.keys(networkInterfaces()));
    const own = parseNetDev(await readFile("/proc/net/dev", "utf8")).filter(
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

/** As the kubelet counts: the pid space is the smaller of pid_max and threads-max, less every task. */
async function pidFigures(): Promise<{ pidMax: number; pidAvailable: number }> {
  const [pidMax, threadsMax, loadavg] = await Promise.all([
    readFile("/proc/sys/kernel/pid_max", "utf8"),
    readFile("/proc/sys/kernel/threads-max", "utf8"),
    readFile("/proc/loadavg", "utf8"),
  ]);
  const max = Math.min(Number(pidMax), Number(threadsMax));
  const tasks = Number(/\d+\/(\d+)/.exec(loadavg)?.[1] ?? 0);
  return { pidMax: max, pidAvailable: Math.max(0, max - tasks) };
}
