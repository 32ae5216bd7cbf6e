import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { stringify } from "yaml";
import { container, daemonSet, FILE, parse, pod } from "./fixtures/manifests.js";
import { isManifestError, parseManifest } from "./manifest.js";

function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");
}

describe("parseManifest: good manifests", () => {
  it("parses the Kubernetes docs' fluentd-elasticsearch DaemonSet unchanged", () => {
    const m = parseManifest(fixture("fluentd-elasticsearch.yaml"), "fluentd.yaml");
    assert.equal(m.kind, "DaemonSet");
    assert.equal(m.name, "fluentd-elasticsearch");
    assert.equal(m.namespace, "kube-system");
    assert.deepEqual(m.labels, { name: "fluentd-elasticsearch" });
    assert.deepEqual(m.ignored, []);
    assert.equal(m.spec.terminationGracePeriodSeconds, 30);
    assert.equal(m.spec.restartPolicy, "Always");
    assert.equal(m.spec.tolerations?.length, 2);
    const [c] = m.spec.containers;
    assert.equal(c?.imagePullPolicy, "IfNotPresent");
    assert.deepEqual(c?.resources, {
      limits: { memory: "200Mi" },
      requests: { cpu: "100m", memory: "200Mi" },
    });
    assert.deepEqual(m.spec.volumes, [
      { name: "varlog", hostPath: { path: "/var/log", type: "" } },
    ]);
  });

  it("parses the node-exporter DaemonSet and lists what it ignores", () => {
    const m = parseManifest(fixture("node-exporter.yaml"), "node-exporter.yaml");
    assert.equal(m.name, "node-exporter");
    assert.equal(m.spec.hostNetwork, true);
    assert.equal(m.spec.hostPID, true);
    assert.deepEqual(m.spec.securityContext, {
      runAsNonRoot: true,
      runAsUser: 65534,
      runAsGroup: 65534,
      fsGroup: 65534,
    });
    assert.equal(m.annotations["prometheus.io/port"], "9100");
    const [c] = m.spec.containers;
    // hostNetwork: the host port defaults to the container port.
    assert.deepEqual(c?.ports, [
      { name: "metrics", containerPort: 9100, protocol: "TCP", hostPort: 9100 },
    ]);
    assert.equal(c?.volumeMounts?.[2]?.mountPropagation, "HostToContainer");
    assert.deepEqual([...m.ignored].sort(), [
      "spec.template.spec.automountServiceAccountToken",
      "spec.template.spec.containers[0].terminationMessagePolicy",
      "spec.template.spec.priorityClassName",
      "spec.template.spec.serviceAccountName",
    ]);
    assert.equal("serviceAccountName" in m.spec, false);
  });

  it("parses a Pod with defaults filled in", () => {
    const m = parse(pod());
    assert.equal(m.kind, "Pod");
    assert.equal(m.namespace, "default");
    assert.deepEqual(m.labels, {});
    assert.deepEqual(m.spec, {
      containers: [{ name: "app", image: "nginx:1.25", imagePullPolicy: "IfNotPresent" }],
      restartPolicy: "Always",
      terminationGracePeriodSeconds: 30,
    });
  });

  it("reads JSON", () => {
    const m = parseManifest(JSON.stringify(pod()), "pods/x.json");
    assert.equal(m.name, "web");
  });

  it("takes name and namespace from the DaemonSet, labels and annotations from the template", () => {
    const templateMetadata = { labels: { app: "agent" }, annotations: { note: "x" } };
    const m = parse(daemonSet({}, { templateMetadata }));
    assert.deepEqual([m.name, m.namespace], ["agent", "infra"]);
    assert.deepEqual(m.annotations, { note: "x" });
  });

  it("ignores empty documents around the one object", () => {
    assert.equal(parseManifest(`---\n${stringify(pod())}---\n`, FILE).name, "web");
  });

  it("treats null fields as unset, as Kubernetes does", () => {
    const doc = { ...pod({ volumes: null }), metadata: { name: "web", creationTimestamp: null } };
    assert.deepEqual(parse(doc).ignored, []);
  });

  it("accepts refused fields set to values that change nothing", () => {
    const m = parse(
      pod({ hostIPC: false, initContainers: [], shareProcessNamespace: false, hostUsers: true }),
    );
    assert.deepEqual(m.ignored, []);
    assert.equal("hostIPC" in m.spec, false);
  });

  it("accepts the scheduling fields the hub uses", () => {
    const m = parse(
      daemonSet({
        nodeSelector: { "kubernetes.io/os": "linux" },
        tolerations: [
          { operator: "Exists" },
          { key: "k", value: "v", effect: "NoExecute", tolerationSeconds: 30 },
        ],
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                { matchExpressions: [{ key: "disk", operator: "In", values: ["ssd"] }] },
                { matchFields: [{ key: "metadata.name", operator: "In", values: ["n1"] }] },
              ],
            },
          },
        },
      }),
    );
    assert.equal(
      m.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution
        ?.nodeSelectorTerms.length,
      2,
    );
  });

  it("copies limits to missing requests, as Kubernetes defaults them", () => {
    const m = parse(
      container({ resources: { limits: { cpu: 1, memory: "1Gi" }, requests: { cpu: "500m" } } }),
    );
    assert.deepEqual(m.spec.containers[0]?.resources, {
      limits: { cpu: "1", memory: "1Gi" },
      requests: { cpu: "500m", memory: "1Gi" },
    });
  });
});

describe("parseManifest: image pull policy defaults", () => {
  const cases: [string, string][] = [
    ["nginx", "Always"],
    ["nginx:latest", "Always"],
    ["nginx:1.25", "IfNotPresent"],
    ["localhost:5000/foo", "Always"],
    [`foo@sha256:${"0".repeat(64)}`, "IfNotPresent"],
  ];
  for (const [image, expected] of cases) {
    it(`${image} → ${expected}`, () => {
      assert.equal(parse(container({ image })).spec.containers[0]?.imagePullPolicy, expected);
    });
  }
  it("keeps an explicit policy", () => {
    const m = parse(container({ image: "nginx", imagePullPolicy: "Never" }));
    assert.equal(m.spec.containers[0]?.imagePullPolicy, "Never");
  });
});

describe("parseManifest: ignored fields", () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ["serviceAccountName", pod({ serviceAccountName: "sa" }), "spec.serviceAccountName"],
    ["serviceAccount", pod({ serviceAccount: "sa" }), "spec.serviceAccount"],
    [
      "automountServiceAccountToken",
      pod({ automountServiceAccountToken: false }),
      "spec.automountServiceAccountToken",
    ],
    [
      "priorityClassName",
      pod({ priorityClassName: "system-node-critical" }),
      "spec.priorityClassName",
    ],
    ["priority", pod({ priority: 1000 }), "spec.priority"],
    ["dnsPolicy", pod({ dnsPolicy: "ClusterFirstWithHostNet" }), "spec.dnsPolicy"],
    ["dnsConfig", pod({ dnsConfig: { nameservers: ["1.1.1.1"] } }), "spec.dnsConfig"],
    ["schedulerName", pod({ schedulerName: "x" }), "spec.schedulerName"],
    ["enableServiceLinks", pod({ enableServiceLinks: false }), "spec.enableServiceLinks"],
    ["imagePullSecrets", pod({ imagePullSecrets: [{ name: "reg" }] }), "spec.imagePullSecrets"],
    ["preemptionPolicy", pod({ preemptionPolicy: "Never" }), "spec.preemptionPolicy"],
    [
      "pod seccompProfile",
      pod({ securityContext: { seccompProfile: { type: "RuntimeDefault" } } }),
      "spec.securityContext.seccompProfile",
    ],
    [
      "container seLinuxOptions",
      container({ securityContext: { seLinuxOptions: { level: "s0" } } }),
      "spec.containers[0].securityContext.seLinuxOptions",
    ],
    [
      "terminationMessagePath",
      container({ terminationMessagePath: "/dev/log" }),
      "spec.containers[0].terminationMessagePath",
    ],
    ["metadata.uid", { ...pod(), metadata: { name: "web", uid: "123" } }, "metadata.uid"],
    ["status", { ...pod(), status: { phase: "Running" } }, "status"],
    [
      "template name",
      daemonSet({}, { templateMetadata: { name: "x", labels: { app: "agent" } } }),
      "spec.template.metadata.name",
    ],
  ];
  for (const [name, doc, path] of cases) {
    it(`${name} is accepted and reported at ${path}`, () => {
      assert.deepEqual(parse(doc).ignored, [path]);
    });
  }
});

describe("parseManifest: files", () => {
  it("reports every problem, unknown fields first, and keeps the first as fieldPath/reason", () => {
    try {
      parse(pod({ containers: [{ name: "app", imgae: "nginx" }], hostPID: "yes" }));
      assert.fail("accepted");
    } catch (err) {
      assert.ok(isManifestError(err));
      assert.equal(err.fieldPath, "spec.containers[0].imgae");
      assert.equal(err.reason, "unknown field");
      assert.deepEqual(
        err.problems.map((p) => p.fieldPath),
        ["spec.containers[0].imgae", "spec.containers[0].image", "spec.hostPID"],
      );
      assert.match(err.message, /spec\.hostPID: must be true or false/);
    }
  });
  it("names the line of a YAML syntax error", () => {
    const text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n\tlabels: {}\n";
    try {
      parseManifest(text, FILE);
      assert.fail("accepted");
    } catch (err) {
      assert.ok(isManifestError(err));
      assert.equal(err.fieldPath, undefined);
      assert.match(err.message, /^pods\/x\.yaml: YAML syntax error at line 5, column \d+: /);
    }
  });

  it("refuses duplicate keys with their line", () => {
    assert.throws(
      () => parseManifest("apiVersion: v1\nkind: Pod\nkind: Pod\n", FILE),
      /YAML syntax error at line 3, column 1: Map keys must be unique/,
    );
  });

  it("refuses more than one document", () => {
    const text = `${stringify(pod())}---\n${stringify(pod())}`;
    assert.throws(
      () => parseManifest(text, FILE),
      (err: unknown) =>
        isManifestError(err) &&
        err.message ===
          `${FILE}: holds 2 documents; a manifest file holds exactly one Pod or DaemonSet`,
    );
  });

  it("refuses an empty file", () => {
    assert.throws(() => parseManifest("# nothing\n", FILE), /pods\/x\.yaml: is empty/);
  });

  it("refuses an unresolved alias", () => {
    assert.throws(() => parseManifest("a: *missing\n", FILE), /YAML error: Unresolved alias/);
  });
});
