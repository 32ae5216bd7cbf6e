import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { parseMeminfo, parseNetDev, parseProcStat } from "./node-sampler.js";

const SAMPLE = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo: 1234567     100    0    0    0     0          0         0  1234567     100    0    0    0     0       0          0
  eth0:99887766   5000    0    0    0     0          0         0 11223344    4000    0    0    0     0       0          0
veth1a2b:     10       1    0    0    0     0          0         0       20       2    0    0    0     0       0          0
`;

describe("parseNetDev", () => {
  it("reads receive and transmit bytes per interface, skipping the headers", () => {
    assert.deepEqual(parseNetDev(SAMPLE), [
      { iface: "lo", rxBytes: 1234567, txBytes: 1234567 },
      { iface: "eth0", rxBytes: 99887766, txBytes: 11223344 },
      { iface: "veth1a2b", rxBytes: 10, txBytes: 20 },
    ]);
  });

  it("skips a line it cannot read", () => {
    assert.deepEqual(parseNetDev("eth0: 1 2 3\n"), []);
  });

  it("reads this machine's file", async () => {
    const stats = parseNetDev(await readFile("/proc/net/dev", "utf8"));
    assert.ok(stats.some((s) => s.iface === "lo"));
  });
});

describe("parseProcStat", () => {
  const STAT = `cpu  100 20 30 1000 50 5 7 3 2 0
cpu0 50 10 15 500 25 3 4 2 1 0
cpu1 50 10 15 500 25 2 3 1 1 0
intr 12345 0 0
ctxt 999
`;

  it("counts user, nice, system, irq, steal and guest as busy, and adds idle for the total", () => {
    assert.deepEqual(parseProcStat(STAT), { busy: 160, total: 1160, cores: 2 });
  });

  it("reads this machine's file", async () => {
    const ticks = parseProcStat(await readFile("/proc/stat", "utf8"));
    assert.ok(ticks.cores >= 1 && ticks.total > ticks.busy && ticks.busy > 0);
  });
});

describe("parseMeminfo", () => {
  it("takes MemAvailable when the kernel has it", () => {
    const text = "MemTotal:       1000 kB\nMemFree:         100 kB\nMemAvailable:    600 kB\n";
    assert.deepEqual(parseMeminfo(text), { total: 1000 * 1024, available: 600 * 1024 });
  });

  it("adds free, buffers, cache and slab without it", () => {
    const text =
      "MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 10 kB\nCached: 200 kB\nSwapCached: 5 kB\nSlab: 40 kB\n";
    assert.deepEqual(parseMeminfo(text), { total: 1000 * 1024, available: 350 * 1024 });
  });
});
