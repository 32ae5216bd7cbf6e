import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertRefused, parse, pod } from "./fixtures/manifests.js";

const app = { name: "app", image: "busybox:1.36" };
const init = (fields: Record<string, unknown> = {}) => ({
  name: "setup",
  image: "busybox:1.36",
  ...fields,
});

describe("parseManifest: init containers", () => {
  it("accepts init containers and fills in their defaults", () => {
    const m = parse(
      pod({
        initContainers: [init({ image: "busybox" }), init({ name: "migrate" })],
        containers: [app],
      }),
    );
    assert.deepEqual(
      m.spec.initContainers?.map((c) => [c.name, c.imagePullPolicy]),
      [
        ["setup", "Always"],
        ["migrate", "IfNotPresent"],
      ],
    );
  });

  it("drops an empty list, so it hashes like no list", () => {
    assert.equal(
      "initContainers" in parse(pod({ initContainers: [], containers: [app] })).spec,
      false,
    );
  });

  it("lets an init container mount the pod's volumes", () => {
    const m = parse(
      pod({
        volumes: [{ name: "work", emptyDir: {} }],
        initContainers: [init({ volumeMounts: [{ name: "work", mountPath: "/work" }] })],
        containers: [app],
      }),
    );
    assert.equal(m.spec.initContainers?.[0]?.volumeMounts?.[0]?.name, "work");
  });

  it("lets an init container use a host port an app container uses later", () => {
    const port = { ports: [{ containerPort: 80, hostPort: 8080 }] };
    parse(pod({ initContainers: [init(port)], containers: [{ ...app, ...port }] }));
  });

  const refusals: [string, unknown, string][] = [
    [
      "a name shared with an app container",
      pod({ initContainers: [init({ name: "app" })], containers: [app] }),
      "spec.containers[0].name: duplicate container name app",
    ],
    [
      "two init containers of one name",
      pod({ initContainers: [init(), init()], containers: [app] }),
      "spec.initContainers[1].name: duplicate container name setup",
    ],
    [
      "a liveness probe",
      pod({
        initContainers: [init({ livenessProbe: { exec: { command: ["true"] } } })],
        containers: [app],
      }),
      "spec.initContainers[0].livenessProbe: must not be set for init containers",
    ],
    [
      "a readiness probe",
      pod({
        initContainers: [init({ readinessProbe: { tcpSocket: { port: 80 } } })],
        containers: [app],
      }),
      "spec.initContainers[0].readinessProbe: must not be set for init containers",
    ],
    [
      "a lifecycle hook",
      pod({
        initContainers: [init({ lifecycle: { preStop: { exec: { command: ["true"] } } } })],
        containers: [app],
      }),
      "spec.initContainers[0].lifecycle: must not be set for init containers",
    ],
    [
      "a mount of a volume the pod does not have",
      pod({
        initContainers: [init({ volumeMounts: [{ name: "nope", mountPath: "/x" }] })],
        containers: [app],
      }),
      "spec.initContainers[0].volumeMounts[0].name: no volume named nope in this pod",
    ],
    [
      "a bad image",
      pod({ initContainers: [init({ image: "" })], containers: [app] }),
      "spec.initContainers[0].image: required",
    ],
    [
      "sidecar containers (restartPolicy on an init container)",
      pod({ initContainers: [init({ restartPolicy: "Always" })], containers: [app] }),
      "spec.initContainers[0].restartPolicy: container restartPolicy (sidecar containers) is not supported yet",
    ],
  ];
  for (const [name, manifest, message] of refusals) {
    it(`refuses ${name}`, () => assertRefused(manifest, message));
  }
});
