// What the Linux /proc files say about CPU time and memory: one process's, the container
// engine's (dockerd, containerd and the shims, with the children they reaped, such as the runc
// of each exec), and the whole host's. CPU times are in clock ticks (`getconf CLK_TCK`).
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";

export const CLOCK_TICKS = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }));

/** utime, stime, cutime, cstime of /proc/PID/stat. */
function stat(pid: number): { comm: string; own: number; reaped: number } {
  const text = readFileSync(`/proc/${pid}/stat`, "utf8");
  // The command name sits in parentheses and may itself hold spaces or parentheses.
  const comm = text.slice(text.indexOf("(") + 1, text.lastIndexOf(")"));
  const f = text
    .slice(text.lastIndexOf(")") + 2)
    .split(" ")
    .map(Number); // f[0] is field 3
  const [utime = 0, stime = 0, cutime = 0, cstime = 0] = f.slice(11, 15);
  return { comm, own: utime + stime, reaped: cutime + cstime };
}

/** CPU ticks the process has used itself (utime + stime). */
export function processTicks(pid: number): number {
  return stat(pid).own;
}

/** Resident memory (VmRSS) in kB. */
export function rssKb(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(match?.[1] ?? 0);
}

/** Ticks of every engine process, by pid, so a window counts only those alive at both ends. */
export function engineTicks(): Map<number, number> {
  const ticks = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const s = stat(pid);
      if (s.comm === "dockerd" || s.comm.startsWith("containerd")) ticks.set(pid, s.own + s.reaped);
    } catch {
      // Gone between the listing and the read.
    }
  }
  return ticks;
}

export function engineDelta(before: Map<number, number>, after: Map<number, number>): number {
  let sum = 0;
  for (const [pid, t] of after) sum += t - (before.get(pid) ?? t);
  return sum;
}

/** Busy ticks of all cores together (everything but idle and iowait), from /proc/stat. */
export function hostBusyTicks(): number {
  const cpu = readFileSync("/proc/stat", "utf8").split("\n")[0]?.split(/\s+/).slice(1, 9) ?? [];
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = cpu.map(Number);
  return user + nice + system + irq + softirq + steal;
}
