import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { parseNetDev } from "./node-sampler.js";

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
