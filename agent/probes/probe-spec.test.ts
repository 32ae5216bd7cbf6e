import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { containerProbes } from "./probe-spec.js";

describe("containerProbes", () => {
  it("resolves each probe to one handler with every default filled", () => {
    const probes = containerProbes({
      name: "app",
      readinessProbe: { httpGet: { port: "http" }, periodSeconds: 0 },
      livenessProbe: { tcpSocket: { port: 8080, host: "" }, failureThreshold: 5 },
      startupProbe: { exec: { command: ["cat", "/ready"] }, terminationGracePeriodSeconds: 3 },
    });
    const timing = {
      initialDelaySeconds: 0,
      periodSeconds: 10,
      timeoutSeconds: 1,
      successThreshold: 1,
      failureThreshold: 3,
    };
    assert.deepEqual(probes, [
      {
        kind: "startup",
        handler: { type: "exec", command: ["cat", "/ready"] },
        ...timing,
        terminationGracePeriodSeconds: 3,
      },
      {
        kind: "liveness",
        handler: { type: "tcpSocket", port: 8080 },
        ...timing,
        failureThreshold: 5,
      },
      {
        kind: "readiness",
        handler: { type: "httpGet", scheme: "HTTP", port: "http", path: "/", headers: [] },
        ...timing,
      },
    ]);
  });

  it("has nothing for a container without probes", () => {
    assert.deepEqual(containerProbes({ name: "app" }), []);
  });
});
