import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { DefaultedContainer, DesiredPod } from "./desired-pod.js";
import { canonicalJson, specHash } from "./spec-hash.js";

function desiredPod(overrides: Partial<DesiredPod["spec"]> = {}): DesiredPod {
  return {
    uid: "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
    name: "agent-node1",
    namespace: "infra",
    nodeName: "node1",
    source: "static",
    sourceRef: "pods/agent.yaml",
    labels: {},
    annotations: {},
    spec: {
      restartPolicy: "Always",
      terminationGracePeriodSeconds: 30,
      containers: [app()],
      volumes: [
        { name: "logs", hostPath: { path: "/var/log", type: "" } },
        { name: "other", emptyDir: {} },
      ],
      ...overrides,
    },
  };
}

function app(overrides: Partial<DefaultedContainer> = {}): DefaultedContainer {
  return {
    name: "app",
    image: "busybox:1.36",
    imagePullPolicy: "IfNotPresent",
    volumeMounts: [{ name: "logs", mountPath: "/logs" }],
    ...overrides,
  };
}

describe("canonicalJson", () => {
  it("sorts keys at every level and keeps array order", () => {
    assert.equal(
      canonicalJson({ b: 1, a: { d: [3, { y: 1, x: 2 }], c: "s" } }),
      '{"a":{"c":"s","d":[3,{"x":2,"y":1}]},"b":1}',
    );
  });

  it("does not depend on key insertion order", () => {
    assert.equal(
      canonicalJson({ a: 1, b: { c: 2, d: 3 } }),
      canonicalJson({ b: { d: 3, c: 2 }, a: 1 }),
    );
  });

  it("drops undefined properties, writes undefined array items as null", () => {
    assert.equal(canonicalJson({ a: undefined, b: [undefined, null] }), '{"b":[null,null]}');
  });

  it("escapes strings as JSON does", () => {
    assert.equal(canonicalJson({ 'k"': 'v\n"' }), '{"k\\"":"v\\n\\""}');
  });

  it("refuses values JSON cannot express exactly", () => {
    for (const bad of [
      Number.NaN,
      Number.POSITIVE_INFINITY,
      1n,
      () => 1,
      Symbol("s"),
      new Date(0),
      new Map(),
    ]) {
      assert.throws(() => canonicalJson({ bad }), TypeError);
    }
  });
});

describe("specHash", () => {
  it("is 16 hex characters and stable for the same spec", () => {
    const hash = specHash(desiredPod(), app());
    assert.match(hash, /^[0-9a-f]{16}$/);
    assert.equal(specHash(desiredPod(), app()), hash);
  });

  it("does not change with key order", () => {
    const reordered: DefaultedContainer = {
      volumeMounts: [{ mountPath: "/logs", name: "logs" }],
      imagePullPolicy: "IfNotPresent",
      image: "busybox:1.36",
      name: "app",
    };
    assert.equal(specHash(desiredPod(), reordered), specHash(desiredPod(), app()));
  });

  it("changes when the image changes", () => {
    assert.notEqual(
      specHash(desiredPod(), app({ image: "busybox:1.37" })),
      specHash(desiredPod(), app()),
    );
  });

  it("changes with the pod fields that shape the container", () => {
    const base = specHash(desiredPod(), app());
    assert.notEqual(specHash(desiredPod({ hostNetwork: true }), app()), base);
    assert.notEqual(specHash(desiredPod({ hostPID: true }), app()), base);
    assert.notEqual(specHash(desiredPod({ restartPolicy: "Never" }), app()), base);
    assert.notEqual(specHash(desiredPod({ securityContext: { runAsUser: 1 } }), app()), base);
    const moved = desiredPod({
      volumes: [{ name: "logs", hostPath: { path: "/srv/log", type: "" } }],
    });
    assert.notEqual(specHash(moved, app()), base);
  });

  it("ignores what does not shape this container", () => {
    const base = specHash(desiredPod(), app());
    assert.equal(specHash(desiredPod({ hostNetwork: false }), app()), base);
    assert.equal(specHash(desiredPod({ terminationGracePeriodSeconds: 5 }), app()), base);
    const otherVolume = desiredPod({
      volumes: [
        { name: "logs", hostPath: { path: "/var/log", type: "" } },
        { name: "other", emptyDir: { medium: "Memory" } },
      ],
    });
    assert.equal(specHash(otherVolume, app()), base);
    const renamedPod = { ...desiredPod(), name: "agent-node2", uid: "other", nodeName: "node2" };
    assert.equal(specHash(renamedPod, app()), base);
  });

  it("is pinned for a known spec, so a change of form is noticed", () => {
    // If this fails, every running container would be replaced on upgrade: bump the version in
    // spec-hash.ts deliberately, and update this value with it.
    assert.equal(specHash(desiredPod(), app()), "078f513f91aa8f58");
  });
});
