import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadAgentLocalApi } from "../../proto/load.js";
import {
  logChunkFromMessage,
  logChunkToMessage,
  logsRequestFromMessage,
  logsRequestToMessage,
  type LogsRequest,
} from "./logs-codec.js";

// Through the real serializer, so what is tested is what crosses the socket.
const { logs } = loadAgentLocalApi();
const overTheWire = (request: LogsRequest) =>
  logsRequestFromMessage(
    logs.requestDeserialize(logs.requestSerialize(logsRequestToMessage(request))),
  );

describe("logs request codec", () => {
  const base: LogsRequest = {
    podName: "web-n1",
    namespace: "default",
    follow: false,
    previous: false,
    timestamps: false,
  };

  it("round-trips every field", () => {
    const full: LogsRequest = {
      podName: "web-n1",
      namespace: "monitoring",
      container: "app",
      follow: true,
      previous: true,
      tailLines: 20,
      timestamps: true,
    };
    assert.deepEqual(overTheWire(full), full);
  });

  it("keeps a tail of zero lines apart from no tail at all", () => {
    assert.deepEqual(overTheWire({ ...base, tailLines: 0 }), { ...base, tailLines: 0 });
    assert.deepEqual(overTheWire(base), base);
  });

  it("reads an empty namespace as default", () => {
    assert.equal(
      logsRequestFromMessage({ pod_name: "web-n1", namespace: "" }).namespace,
      "default",
    );
  });

  it("refuses a request without a pod or with a negative tail", () => {
    assert.throws(() => logsRequestFromMessage({ pod_name: "" }), {
      name: "RangeError",
      message: "pod_name: required",
    });
    assert.throws(() => logsRequestFromMessage({ pod_name: "p", tail_lines: "-1" }), {
      name: "RangeError",
      message: "tail_lines: must be greater than or equal to 0, got -1",
    });
  });
});

describe("log chunk codec", () => {
  it("round-trips the bytes as they are, not as text", () => {
    const data = Buffer.from([0xff, 0x00, 0x0a]);
    const wire = logs.responseDeserialize(
      logs.responseSerialize(logChunkToMessage("stderr", data)),
    );
    const chunk = logChunkFromMessage(wire);
    assert.equal(chunk.stream, "stderr");
    assert.deepEqual(Buffer.from(chunk.data), data);
  });

  it("refuses a stream it does not know", () => {
    assert.throws(() => logChunkFromMessage({ stream: "stdin", data: Buffer.alloc(0) }), {
      message: 'field stream: expected "stdout" or "stderr", got "stdin"',
    });
  });
});
