import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatJoinString, parseJoinString } from "./join-string.js";

const HASH = `sha256:${"ab".repeat(32)}`;

describe("join strings", () => {
  it("reads a token alone and a token with the CA hash", () => {
    assert.deepEqual(parseJoinString("abcdef.0123456789abcdef"), {
      token: "abcdef.0123456789abcdef",
    });
    assert.deepEqual(parseJoinString(`abcdef.0123456789abcdef@${HASH}`), {
      token: "abcdef.0123456789abcdef",
      caHash: HASH,
    });
  });

  it("takes the hash case-insensitively and writes it back the same", () => {
    const parsed = parseJoinString(
      `abcdef.0123456789abcdef@${HASH.toUpperCase().replace("SHA256", "sha256")}`,
    );
    assert.equal(formatJoinString(parsed.token, parsed.caHash), `abcdef.0123456789abcdef@${HASH}`);
  });

  for (const [input, message] of [
    ["short", /too short/],
    [`abcdef.0123456789abcdef@md5:00`, /sha256:<64 hex digits>/],
    [`abcdef.0123456789abcdef@sha256:abc`, /sha256:<64 hex digits>/],
  ] as const) {
    it(`refuses ${JSON.stringify(input)}`, () => {
      assert.throws(() => parseJoinString(input), message);
    });
  }
});
