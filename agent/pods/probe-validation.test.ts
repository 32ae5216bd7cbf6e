import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertRefused, container, parse } from "./fixtures/manifests.js";

const http = { httpGet: { port: 8080 } };
const withPorts = (fields: Record<string, unknown>) =>
  container({ ports: [{ name: "http", containerPort: 8080 }], ...fields });

describe("parseManifest: probe rules", () => {
  const cases: [string, unknown, string][] = [
    [
      "no handler",
      container({ livenessProbe: { periodSeconds: 5 } }),
      "spec.containers[0].livenessProbe: must set a handler: exec, httpGet, tcpSocket",
    ],
    [
      "two handlers",
      container({ readinessProbe: { exec: { command: ["true"] }, tcpSocket: { port: 80 } } }),
      "spec.containers[0].readinessProbe.tcpSocket: must set only one handler",
    ],
    [
      "grpc",
      container({ startupProbe: { grpc: { port: 9090 } } }),
      "spec.containers[0].startupProbe.grpc: grpc probes are not supported yet",
    ],
    [
      "exec without command",
      container({ livenessProbe: { exec: {} } }),
      "spec.containers[0].livenessProbe.exec.command: required",
    ],
    [
      "exec with an empty command",
      container({ livenessProbe: { exec: { command: [] } } }),
      "spec.containers[0].livenessProbe.exec.command: required",
    ],
    [
      "httpGet without port",
      container({ livenessProbe: { httpGet: { path: "/" } } }),
      "spec.containers[0].livenessProbe.httpGet.port: required",
    ],
    [
      "port 0",
      container({ livenessProbe: { httpGet: { port: 0 } } }),
      "spec.containers[0].livenessProbe.httpGet.port: must be between 1 and 65535",
    ],
    [
      "port as a boolean",
      container({ livenessProbe: { tcpSocket: { port: true } } }),
      "spec.containers[0].livenessProbe.tcpSocket.port: must be a port number or a port name",
    ],
    [
      "port number as a string",
      container({ livenessProbe: { tcpSocket: { port: "8080" } } }),
      "spec.containers[0].livenessProbe.tcpSocket.port: must be an IANA service name",
    ],
    [
      "named port the container lacks",
      withPorts({ readinessProbe: { httpGet: { port: "metrics" } } }),
      "spec.containers[0].readinessProbe.httpGet.port: no port named metrics in this container",
    ],
    [
      "named tcpSocket port the container lacks",
      container({ livenessProbe: { tcpSocket: { port: "http" } } }),
      "spec.containers[0].livenessProbe.tcpSocket.port: no port named http in this container",
    ],
    [
      "bad scheme",
      container({ livenessProbe: { httpGet: { port: 80, scheme: "http" } } }),
      'spec.containers[0].livenessProbe.httpGet.scheme: must be one of "HTTP", "HTTPS"',
    ],
    [
      "bad header name",
      container({
        livenessProbe: { httpGet: { port: 80, httpHeaders: [{ name: "X Token", value: "a" }] } },
      }),
      "spec.containers[0].livenessProbe.httpGet.httpHeaders[0].name: must be an HTTP header name",
    ],
    [
      "header without value",
      container({ livenessProbe: { httpGet: { port: 80, httpHeaders: [{ name: "X-A" }] } } }),
      "spec.containers[0].livenessProbe.httpGet.httpHeaders[0].value: required",
    ],
    [
      "unknown httpGet field",
      container({ livenessProbe: { httpGet: { port: 80, url: "/x" } } }),
      "spec.containers[0].livenessProbe.httpGet.url: unknown field",
    ],
    [
      "negative initialDelaySeconds",
      container({ livenessProbe: { ...http, initialDelaySeconds: -1 } }),
      "spec.containers[0].livenessProbe.initialDelaySeconds: must be greater than or equal to 0",
    ],
    [
      "negative periodSeconds",
      container({ livenessProbe: { ...http, periodSeconds: -5 } }),
      "spec.containers[0].livenessProbe.periodSeconds: must be greater than or equal to 0",
    ],
    [
      "fractional timeoutSeconds",
      container({ livenessProbe: { ...http, timeoutSeconds: 1.5 } }),
      "spec.containers[0].livenessProbe.timeoutSeconds: must be an integer",
    ],
    [
      "liveness successThreshold above 1",
      container({ livenessProbe: { ...http, successThreshold: 2 } }),
      "spec.containers[0].livenessProbe.successThreshold: must be 1 for a liveness probe",
    ],
    [
      "startup successThreshold above 1",
      container({ startupProbe: { ...http, successThreshold: 3 } }),
      "spec.containers[0].startupProbe.successThreshold: must be 1 for a startup probe",
    ],
    [
      "probe grace period of 0",
      container({ livenessProbe: { ...http, terminationGracePeriodSeconds: 0 } }),
      "spec.containers[0].livenessProbe.terminationGracePeriodSeconds: must be greater than 0",
    ],
    [
      "grace period on a readiness probe",
      container({ readinessProbe: { ...http, terminationGracePeriodSeconds: 5 } }),
      "spec.containers[0].readinessProbe.terminationGracePeriodSeconds: must not be set for a readiness probe",
    ],
  ];
  for (const [name, doc, expected] of cases) {
    it(name, () => assertRefused(doc, expected));
  }
});

describe("parseManifest: probe defaults", () => {
  const probeOf = (fields: Record<string, unknown>, field = "livenessProbe") =>
    parse(withPorts({ [field]: fields })).spec.containers[0]?.[
      field as "livenessProbe" | "readinessProbe" | "startupProbe"
    ];

  it("fills Kubernetes' defaults for timing and the httpGet path and scheme", () => {
    assert.deepEqual(probeOf({ httpGet: { port: "http" } }), {
      httpGet: { port: "http", path: "/", scheme: "HTTP" },
      initialDelaySeconds: 0,
      periodSeconds: 10,
      timeoutSeconds: 1,
      successThreshold: 1,
      failureThreshold: 3,
    });
  });

  it("reads 0 as the default, as Kubernetes' defaulting does", () => {
    const probe = probeOf({
      tcpSocket: { port: 8080 },
      periodSeconds: 0,
      timeoutSeconds: 0,
      successThreshold: 0,
      failureThreshold: 0,
    });
    assert.deepEqual(probe, {
      tcpSocket: { port: 8080 },
      initialDelaySeconds: 0,
      periodSeconds: 10,
      timeoutSeconds: 1,
      successThreshold: 1,
      failureThreshold: 3,
    });
  });

  it("keeps what is set", () => {
    const readiness = {
      httpGet: {
        host: "127.0.0.1",
        path: "/ready",
        port: 9443,
        scheme: "HTTPS",
        httpHeaders: [{ name: "X-Probe", value: "1" }],
      },
      initialDelaySeconds: 5,
      periodSeconds: 2,
      timeoutSeconds: 3,
      successThreshold: 2,
      failureThreshold: 6,
    };
    assert.deepEqual(probeOf(readiness, "readinessProbe"), readiness);
    const startup = {
      exec: { command: ["cat", "/tmp/ready"] },
      initialDelaySeconds: 0,
      periodSeconds: 1,
      timeoutSeconds: 1,
      successThreshold: 1,
      failureThreshold: 30,
      terminationGracePeriodSeconds: 5,
    };
    assert.deepEqual(probeOf(startup, "startupProbe"), startup);
  });
});
