import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatTokenTable, parseTtl } from "./token-commands.js";

describe("token commands", () => {
  it("reads TTLs as kubeadm writes them, 0 for never", () => {
    assert.equal(parseTtl("90"), 90);
    assert.equal(parseTtl("90s"), 90);
    assert.equal(parseTtl("30m"), 1800);
    assert.equal(parseTtl("24h"), 86_400);
    assert.equal(parseTtl("7d"), 604_800);
    assert.equal(parseTtl("0"), 0);
    assert.throws(() => parseTtl("1y"), /like 30m, 24h or 7d/);
    assert.throws(() => parseTtl("-5m"), /like 30m/);
  });

  it("lists tokens with their time left, never their secrets", () => {
    const now = new Date("2026-01-01T00:00:00Z");
    const table = formatTokenTable(
      [
        { id: "abcdef", expires_at: "2026-01-01T01:30:00.000Z", description: "rack 4" },
        { id: "ghijkl", expires_at: "", description: "" },
      ],
      now,
    );
    assert.equal(
      table,
      [
        "TOKEN ID   TTL         EXPIRES                    DESCRIPTION",
        "abcdef     90m         2026-01-01T01:30:00.000Z   rack 4",
        "ghijkl     <forever>   <never>                    <none>",
        "",
      ].join("\n"),
    );
  });
});
