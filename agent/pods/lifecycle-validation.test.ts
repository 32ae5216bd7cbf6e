import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { assertRefused, container, parse } from "./fixtures/manifests.js";

describe("lifecycle hooks in manifests", () => {
  it("accepts preStop and postStart with one handler each, httpGet defaulted", () => {
    const parsed = parse(
      container({
        lifecycle: {
          postStart: { exec: { command: ["touch", "/tmp/started"] } },
          preStop: { httpGet: { port: 8080, path: "" } },
        },
      }),
    );
    const lifecycle = parsed.spec.containers[0]?.lifecycle;
    assert.deepEqual(lifecycle?.postStart?.exec?.command, ["touch", "/tmp/started"]);
    assert.equal(lifecycle?.preStop?.httpGet?.path, "/");
    assert.equal(lifecycle?.preStop?.httpGet?.scheme, "HTTP");
  });

  it("accepts a sleep hook", () => {
    const parsed = parse(container({ lifecycle: { preStop: { sleep: { seconds: 5 } } } }));
    assert.equal(parsed.spec.containers[0]?.lifecycle?.preStop?.sleep?.seconds, 5);
  });

  it("refuses a hook without a handler, or with two", () => {
    assertRefused(
      container({ lifecycle: { preStop: {} } }),
      "spec.containers[0].lifecycle.preStop: must set a handler: exec, httpGet, tcpSocket, sleep",
    );
    assertRefused(
      container({
        lifecycle: { preStop: { exec: { command: ["true"] }, sleep: { seconds: 1 } } },
      }),
      "spec.containers[0].lifecycle.preStop.sleep: must set only one handler",
    );
  });
});
