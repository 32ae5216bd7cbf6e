import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { stringify } from "yaml";
import { LABEL } from "../runtime/labels.js";
import {
  buildContainerSpec,
  type ContainerSpecContext,
  type ResolvedVolume,
} from "./container-spec.js";
import type { DefaultedContainer, DesiredPod } from "./desired-pod.js";
import { parseManifest } from "./manifest.js";
import { specHash } from "./spec-hash.js";

const HOST_IP = "10.0.0.5";
const CAPACITY = { cpuCores: 8, memoryBytes: 16 * 2 ** 30 };

/** A desired pod from a manifest, so the tests see exactly what validation and defaults give. */
function desiredFrom(text: string): DesiredPod {
  const m = parseManifest(text, "test.yaml");
  return {
    uid: "3f2a9c1e-0000-4000-8000-000000000001",
    name: `${m.name}-node1`,
    namespace: m.namespace,
    nodeName: "node1",
    source: "static",
    sourceRef: "test.yaml",
    labels: { ...m.labels, tier: "infra" },
    annotations: { ...m.annotations, owner: "ops" },
    spec: m.spec,
  };
}

function podWith(spec: Record<string, unknown>): DesiredPod {
  return desiredFrom(stringify({ apiVersion: "v1", kind: "Pod", metadata: { name: "web" }, spec }));
}

function containerPod(fields: Record<string, unknown>, podFields: Record<string, unknown> = {}) {
  return podWith({ containers: [{ name: "app", image: "busybox:1.36", ...fields }], ...podFields });
}

function first(pod: DesiredPod): DefaultedContainer {
  const [c] = pod.spec.containers;
  assert.ok(c);
  return c;
}

function ctx(overrides: Partial<ContainerSpecContext> = {}): ContainerSpecContext {
  return { hostIP: HOST_IP, attempt: 0, nodeCapacity: CAPACITY, volumes: new Map(), ...overrides };
}

function build(pod: DesiredPod, overrides: Partial<ContainerSpecContext> = {}) {
  return buildContainerSpec(pod, first(pod), ctx(overrides));
}

function envOf(pod: DesiredPod): Record<string, string> {
  return Object.fromEntries(
    build(pod).env.map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]),
  );
}

describe("buildContainerSpec: identity", () => {
  it("names the container and labels it with everything the agent finds it by", () => {
    const pod = containerPod({}, { terminationGracePeriodSeconds: 45 });
    const spec = build(pod, { attempt: 3 });
    assert.equal(spec.name, "dl_app_web-node1_default_3f2a9c1e_3");
    assert.equal(spec.image, "busybox:1.36");
    assert.deepEqual(spec.labels, {
      [LABEL.podUid]: pod.uid,
      [LABEL.podName]: "web-node1",
      [LABEL.namespace]: "default",
      [LABEL.container]: "app",
      [LABEL.node]: "node1",
      [LABEL.specHash]: specHash(pod, first(pod)),
      [LABEL.attempt]: "3",
      [LABEL.gracePeriod]: "45",
    });
  });

  it("builds the node-exporter fixture as Kubernetes would run it", () => {
    const pod = desiredFrom(
      readFileSync(new URL("./fixtures/node-exporter.yaml", import.meta.url), "utf8"),
    );
    const volumes = new Map<string, ResolvedVolume>([
      ["proc", { kind: "bind", source: "/proc", readOnly: false }],
      ["sys", { kind: "bind", source: "/sys", readOnly: false }],
      ["root", { kind: "bind", source: "/", readOnly: false }],
    ]);
    const spec = build(pod, { volumes });
    assert.equal(spec.entrypoint, undefined);
    assert.equal(spec.cmd?.[3], "--web.listen-address=10.0.0.5:9100");
    assert.deepEqual(spec.env, ["HOST_IP=10.0.0.5"]);
    assert.equal(spec.user, "65534:65534");
    assert.equal(spec.hostNetwork, true);
    assert.equal(spec.hostPID, true);
    assert.deepEqual(spec.ports, [{ containerPort: 9100, protocol: "TCP", hostPort: 9100 }]);
    assert.deepEqual(spec.capDrop, ["ALL"]);
    assert.equal(spec.readOnlyRootFilesystem, true);
    assert.equal(spec.nanoCpus, 250_000_000);
    assert.equal(spec.memoryBytes, 180 * 2 ** 20);
    assert.deepEqual(spec.mounts, [
      {
        type: "bind",
        source: "/proc",
        target: "/host/proc",
        readOnly: true,
        propagation: "rprivate",
      },
      {
        type: "bind",
        source: "/sys",
        target: "/host/sys",
        readOnly: true,
        propagation: "rprivate",
      },
      { type: "bind", source: "/", target: "/host/root", readOnly: true, propagation: "rslave" },
    ]);
  });
});

describe("buildContainerSpec: command and args", () => {
  const env = [{ name: "WHO", value: "world" }];
  const cases: [string, Record<string, unknown>, { entrypoint?: string[]; cmd?: string[] }][] = [
    ["neither: the image's ENTRYPOINT and CMD run", {}, {}],
    ["args only: the image's ENTRYPOINT stays", { args: ["-v"] }, { cmd: ["-v"] }],
    [
      "command only: the image's CMD is dropped too",
      { command: ["/bin/app"] },
      { entrypoint: ["/bin/app"], cmd: [] },
    ],
    [
      "both, with $(VAR) expansion and $$ escapes",
      { command: ["/bin/echo"], args: ["hello $(WHO)", "$$(WHO)", "$(NOPE)"], env },
      { entrypoint: ["/bin/echo"], cmd: ["hello world", "$(WHO)", "$(NOPE)"] },
    ],
  ];
  for (const [name, fields, expected] of cases) {
    it(name, () => {
      const spec = build(containerPod(fields));
      assert.deepEqual(
        { entrypoint: spec.entrypoint, cmd: spec.cmd },
        { entrypoint: undefined, cmd: undefined, ...expected },
      );
    });
  }
});

describe("buildContainerSpec: env", () => {
  it("expands values against earlier entries only, like the kubelet", () => {
    const pod = containerPod({
      env: [
        { name: "A", value: "a" },
        { name: "B", value: "$(A)-$(C)" },
        { name: "C", value: "c" },
        { name: "D", value: "$$(A)" },
        { name: "E", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
        { name: "F", value: "$(E)" },
      ],
    });
    assert.deepEqual(envOf(pod), {
      A: "a",
      B: "a-$(C)",
      C: "c",
      D: "$(A)",
      E: "web-node1",
      F: "web-node1",
    });
  });

  it("lets a later entry replace an earlier one in place", () => {
    const pod = containerPod({
      env: [
        { name: "A", value: "1" },
        { name: "B", value: "2" },
        { name: "A", value: "3" },
      ],
    });
    assert.deepEqual(build(pod).env, ["A=3", "B=2"]);
  });

  const fieldRefs: [string, string, Record<string, unknown>][] = [
    ["spec.nodeName", "node1", {}],
    ["metadata.name", "web-node1", {}],
    ["metadata.namespace", "default", {}],
    ["metadata.uid", "3f2a9c1e-0000-4000-8000-000000000001", {}],
    ["status.hostIP", HOST_IP, {}],
    ["status.podIP", HOST_IP, { hostNetwork: true }],
    // Docker assigns a bridge address only at start, after env is fixed.
    ["status.podIP", "", {}],
    ["metadata.labels['tier']", "infra", {}],
    ["metadata.annotations['owner']", "ops", {}],
    ["metadata.labels['absent']", "", {}],
  ];
  for (const [fieldPath, expected, podFields] of fieldRefs) {
    it(`fieldRef ${fieldPath}${podFields.hostNetwork ? " (hostNetwork)" : ""} → ${JSON.stringify(expected)}`, () => {
      const pod = containerPod(
        { env: [{ name: "V", valueFrom: { fieldRef: { fieldPath } } }] },
        podFields,
      );
      assert.equal(envOf(pod).V, expected);
    });
  }

  const resources = { limits: { cpu: "500m", memory: "256Mi" } };
  const resourceRefs: [
    string,
    Record<string, unknown>,
    Record<string, unknown> | undefined,
    string,
  ][] = [
    ["limits.cpu rounds up to whole cores", { resource: "limits.cpu" }, resources, "1"],
    ["limits.cpu in millicores", { resource: "limits.cpu", divisor: "1m" }, resources, "500"],
    ["limits.memory in bytes", { resource: "limits.memory" }, resources, String(256 * 2 ** 20)],
    ["limits.memory in Mi", { resource: "limits.memory", divisor: "1Mi" }, resources, "256"],
    [
      "limits.memory in M, rounded up",
      { resource: "limits.memory", divisor: "1M" },
      resources,
      "269",
    ],
    [
      "requests.cpu defaulted from the limit",
      { resource: "requests.cpu", divisor: "1m" },
      resources,
      "500",
    ],
    ["no cpu limit: the node's capacity", { resource: "limits.cpu" }, undefined, "8"],
    [
      "no memory limit: the node's capacity",
      { resource: "limits.memory", divisor: "1Gi" },
      undefined,
      "16",
    ],
    ["no request: 0", { resource: "requests.memory" }, undefined, "0"],
  ];
  for (const [name, ref, res, expected] of resourceRefs) {
    it(`resourceFieldRef: ${name}`, () => {
      const pod = containerPod({
        resources: res,
        env: [{ name: "V", valueFrom: { resourceFieldRef: ref } }],
      });
      assert.equal(envOf(pod).V, expected);
    });
  }

  it("resourceFieldRef reads another container's resources when named", () => {
    const pod = podWith({
      containers: [
        {
          name: "app",
          image: "busybox",
          env: [
            {
              name: "V",
              valueFrom: {
                resourceFieldRef: { containerName: "side", resource: "limits.cpu", divisor: "1m" },
              },
            },
          ],
        },
        { name: "side", image: "busybox", resources: { limits: { cpu: "250m" } } },
      ],
    });
    assert.equal(envOf(pod).V, "250");
  });
});

describe("buildContainerSpec: security, resources and ports", () => {
  const users: [string, Record<string, unknown>, Record<string, unknown>, string | undefined][] = [
    ["none set: the image's user", {}, {}, undefined],
    ["pod user and group", {}, { runAsUser: 1000, runAsGroup: 2000 }, "1000:2000"],
    ["container user over the pod's", { runAsUser: 1001 }, { runAsUser: 1000 }, "1001"],
    ["container user, pod group", { runAsUser: 1001 }, { runAsGroup: 2000 }, "1001:2000"],
  ];
  for (const [name, own, podSc, expected] of users) {
    it(`user: ${name}`, () => {
      const spec = build(containerPod({ securityContext: own }, { securityContext: podSc }));
      assert.equal(spec.user, expected);
    });
  }

  it("passes capabilities, privilege and the root filesystem mode", () => {
    const spec = build(
      containerPod({
        securityContext: {
          privileged: true,
          readOnlyRootFilesystem: true,
          capabilities: { add: ["NET_ADMIN", "CAP_SYS_TIME"], drop: ["MKNOD"] },
        },
        tty: true,
        stdin: true,
        workingDir: "/work",
      }),
    );
    assert.deepEqual(
      [
        spec.privileged,
        spec.readOnlyRootFilesystem,
        spec.capAdd,
        spec.capDrop,
        spec.tty,
        spec.stdin,
        spec.workingDir,
      ],
      [true, true, ["NET_ADMIN", "CAP_SYS_TIME"], ["MKNOD"], true, true, "/work"],
    );
  });

  it("leaves limits unset when the manifest sets none", () => {
    const spec = build(containerPod({ resources: { requests: { cpu: "100m" } } }));
    assert.equal(spec.nanoCpus, undefined);
    assert.equal(spec.memoryBytes, undefined);
    assert.equal(spec.privileged, false);
    assert.equal(spec.user, undefined);
  });

  it("turns limits into nano-cpus and bytes", () => {
    const spec = build(containerPod({ resources: { limits: { cpu: 2, memory: "1.5Gi" } } }));
    assert.equal(spec.nanoCpus, 2_000_000_000);
    assert.equal(spec.memoryBytes, 1.5 * 2 ** 30);
  });

  it("maps ports with protocol, host port and address", () => {
    const spec = build(
      containerPod({
        ports: [
          { containerPort: 53, protocol: "UDP", hostPort: 5353, hostIP: "127.0.0.1" },
          { containerPort: 8080 },
        ],
      }),
    );
    assert.deepEqual(spec.ports, [
      { containerPort: 53, protocol: "UDP", hostPort: 5353, hostIP: "127.0.0.1" },
      { containerPort: 8080, protocol: "TCP" },
    ]);
  });
});

describe("buildContainerSpec: mounts", () => {
  const pod = podWith({
    volumes: [
      { name: "logs", hostPath: { path: "/var/log" } },
      { name: "conf", hostPath: { path: "/etc/app" } },
      { name: "scratch", emptyDir: { medium: "Memory", sizeLimit: "64Mi" } },
      { name: "shared", hostPath: { path: "/mnt/shared" } },
    ],
    containers: [
      {
        name: "app",
        image: "busybox",
        securityContext: { privileged: true },
        volumeMounts: [
          { name: "logs", mountPath: "/logs", mountPropagation: "HostToContainer" },
          { name: "conf", mountPath: "/etc/app/app.conf", subPath: "app.conf", readOnly: true },
          { name: "scratch", mountPath: "/tmp" },
          { name: "shared", mountPath: "/shared", mountPropagation: "Bidirectional" },
          { name: "logs", mountPath: "/logs-ro" },
        ],
      },
    ],
  });
  const volumes = new Map<string, ResolvedVolume>([
    ["logs", { kind: "bind", source: "/var/log", readOnly: false }],
    ["conf", { kind: "bind", source: "/etc/app", readOnly: false }],
    ["scratch", { kind: "tmpfs", sizeBytes: 64 * 2 ** 20 }],
    // The node's policy made this one read-only.
    ["shared", { kind: "bind", source: "/mnt/shared", readOnly: true }],
  ]);
  const subPaths = new Map([["app/1", "/etc/app/app.conf"]]);

  it("mounts binds, subPaths and tmpfs with Kubernetes propagation", () => {
    assert.deepEqual(build(pod, { volumes, subPaths }).mounts, [
      { type: "bind", source: "/var/log", target: "/logs", readOnly: false, propagation: "rslave" },
      {
        type: "bind",
        source: "/etc/app/app.conf",
        target: "/etc/app/app.conf",
        readOnly: true,
        propagation: "rprivate",
      },
      { type: "tmpfs", target: "/tmp", readOnly: false, sizeBytes: 64 * 2 ** 20 },
      {
        type: "bind",
        source: "/mnt/shared",
        target: "/shared",
        readOnly: true,
        propagation: "rshared",
      },
      {
        type: "bind",
        source: "/var/log",
        target: "/logs-ro",
        readOnly: false,
        propagation: "rprivate",
      },
    ]);
  });

  it("fails loudly when the caller did not resolve a volume or subPath", () => {
    assert.throws(
      () => build(pod, { volumes: new Map(), subPaths }),
      /volume logs for container app was not resolved/,
    );
    assert.throws(
      () => build(pod, { volumes }),
      /subPath app.conf for container app was not resolved/,
    );
  });
});
