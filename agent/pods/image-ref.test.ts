import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { defaultImagePullPolicy, parseImageRef, registryHost } from "./image-ref.js";

const DIGEST = `sha256:${"a".repeat(64)}`;

describe("parseImageRef", () => {
  const cases: [string, ReturnType<typeof parseImageRef>][] = [
    ["nginx", { name: "nginx" }],
    ["nginx:1.25", { name: "nginx", tag: "1.25" }],
    ["library/nginx:latest", { name: "library/nginx", tag: "latest" }],
    ["localhost:5000/foo", { name: "localhost:5000/foo" }],
    ["localhost:5000/foo:1.0", { name: "localhost:5000/foo", tag: "1.0" }],
    ["localhost:5000", { name: "localhost", tag: "5000" }],
    [`foo@${DIGEST}`, { name: "foo", digest: DIGEST }],
    [`foo:1@${DIGEST}`, { name: "foo", tag: "1", digest: DIGEST }],
    [
      "quay.io/prometheus/node-exporter:v1.8.2",
      { name: "quay.io/prometheus/node-exporter", tag: "v1.8.2" },
    ],
    ["[::1]:5000/a/b_c__d-e:x", { name: "[::1]:5000/a/b_c__d-e", tag: "x" }],
  ];
  for (const [ref, expected] of cases) {
    it(`parses ${ref}`, () => assert.deepEqual(parseImageRef(ref), expected));
  }

  for (const ref of [
    "",
    "Nginx",
    "nginx:",
    "nginx@sha256:abc",
    "a//b",
    "-a",
    "a:b:c",
    "nginx latest",
  ]) {
    it(`refuses ${JSON.stringify(ref)}`, () => assert.equal(parseImageRef(ref), undefined));
  }
});

describe("defaultImagePullPolicy", () => {
  const cases: [string, "Always" | "IfNotPresent"][] = [
    ["nginx", "Always"],
    ["nginx:latest", "Always"],
    ["nginx:1.25", "IfNotPresent"],
    ["localhost:5000/foo", "Always"],
    ["localhost:5000/foo:1", "IfNotPresent"],
    ["registry.example.com:443/team/app", "Always"],
    [`foo@${DIGEST}`, "IfNotPresent"],
    [`foo:latest@${DIGEST}`, "Always"],
  ];
  for (const [image, expected] of cases) {
    it(`${image} → ${expected}`, () => assert.equal(defaultImagePullPolicy(image), expected));
  }
});

describe("registryHost", () => {
  const cases: [string, string | undefined][] = [
    ["nginx", "docker.io"],
    ["library/nginx:1.25", "docker.io"],
    ["prom/node-exporter", "docker.io"],
    ["docker.io/library/nginx", "docker.io"],
    ["index.docker.io/library/nginx", "docker.io"],
    ["quay.io/prometheus/node-exporter:v1.8.2", "quay.io"],
    ["127.0.0.1:5000/test/busybox:1", "127.0.0.1:5000"],
    ["localhost/foo", "localhost"],
    ["localhost:5000", "docker.io"],
    ["Registry/foo", "Registry"],
    ["[::1]:5000/a", "[::1]:5000"],
    [`registry.example.com/team/app@${DIGEST}`, "registry.example.com"],
    ["Nginx", undefined],
  ];
  for (const [image, expected] of cases) {
    it(`${image} → ${String(expected)}`, () => assert.equal(registryHost(image), expected));
  }
});
