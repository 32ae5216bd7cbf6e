import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { parseInt64 } from "./int64.js";

describe("parseInt64 reads integers the way Go's strconv.ParseInt(s, 10, 64) does", () => {
  const cases: [string, bigint | undefined][] = [
    ["0", 0n],
    ["42", 42n],
    ["007", 7n],
    ["-5", -5n],
    ["+5", 5n],
    ["9223372036854775807", 9223372036854775807n],
    ["-9223372036854775808", -9223372036854775808n],
    ["9223372036854775808", undefined], // past int64
    ["-9223372036854775809", undefined],
    ["", undefined],
    ["-", undefined],
    ["1.5", undefined],
    ["1e3", undefined],
    ["0x10", undefined],
    ["1_000", undefined],
    [" 1", undefined],
    ["1 ", undefined],
    ["many", undefined],
  ];
  for (const [input, want] of cases) {
    test(JSON.stringify(input), () => assert.equal(parseInt64(input), want));
  }
});

test("parseInt64 keeps values past 2^53 apart", () => {
  const a = parseInt64("9007199254740993");
  const b = parseInt64("9007199254740992");
  assert.ok(a !== undefined && b !== undefined && a > b);
});
