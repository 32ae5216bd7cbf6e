import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { tcpExtCounters } from "./net-stats.js";

describe("tcpExtCounters", () => {
  it("pairs the TcpExt header line with its values", () => {
    const text = [
      "TcpExt: SyncookiesSent ListenOverflows ListenDrops",
      "TcpExt: 3 550438 550440",
      "IpExt: InNoRoutes",
      "IpExt: 0",
    ].join("\n");
    const c = tcpExtCounters(text);
    assert.equal(c.get("ListenOverflows"), 550438);
    assert.equal(c.get("SyncookiesSent"), 3);
    assert.equal(c.get("InNoRoutes"), undefined);
  });
  it("is empty without TcpExt lines", () => {
    assert.equal(tcpExtCounters("Ip: 1\n").size, 0);
  });
});
