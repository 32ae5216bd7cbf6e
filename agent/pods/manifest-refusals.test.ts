import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  assertRefused,
  container,
  daemonSet,
  FILE,
  parse,
  pod,
  refusal,
} from "./fixtures/manifests.js";

describe("parseManifest: refused fields", () => {
  const cases: [Record<string, unknown>, string][] = [
    [
      container({ livenessProbe: { grpc: { port: 9090 } } }),
      "spec.containers[0].livenessProbe.grpc: grpc probes are not supported yet (supported: exec, httpGet, tcpSocket)",
    ],
    [
      container({ lifecycle: { stopSignal: "SIGUSR1" } }),
      "spec.containers[0].lifecycle.stopSignal: stopSignal is not supported yet (the image's stop signal is used)",
    ],
    [
      container({ envFrom: [{ configMapRef: { name: "c" } }] }),
      "spec.containers[0].envFrom: envFrom is not supported yet",
    ],
    [
      container({ env: [{ name: "A", valueFrom: { configMapKeyRef: { name: "c", key: "k" } } }] }),
      "spec.containers[0].env[0].valueFrom.configMapKeyRef: configMapKeyRef is not supported yet",
    ],
    [
      container({ env: [{ name: "A", valueFrom: { secretKeyRef: { name: "s", key: "k" } } }] }),
      "spec.containers[0].env[0].valueFrom.secretKeyRef: secretKeyRef is not supported yet",
    ],
    [
      pod({ ephemeralContainers: [{ name: "dbg", image: "busybox" }] }),
      "spec.ephemeralContainers: ephemeralContainers are not supported yet",
    ],
    [pod({ hostIPC: true }), "spec.hostIPC: hostIPC is not supported yet"],
    [
      pod({ shareProcessNamespace: true }),
      "spec.shareProcessNamespace: shareProcessNamespace is not supported yet",
    ],
    [
      pod({ hostAliases: [{ ip: "1.2.3.4", hostnames: ["x"] }] }),
      "spec.hostAliases: hostAliases are not supported yet",
    ],
    [
      pod({ hostUsers: false }),
      "spec.hostUsers: user namespaces (hostUsers: false) are not supported yet",
    ],
    [
      pod({ runtimeClassName: "nvidia" }),
      "spec.runtimeClassName: runtimeClassName is not supported yet",
    ],
    [
      pod({ securityContext: { sysctls: [{ name: "net.core.somaxconn", value: "1024" }] } }),
      "spec.securityContext.sysctls: sysctls are not supported yet",
    ],
    [
      pod({
        affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [] } },
      }),
      "spec.affinity.podAntiAffinity: pod anti-affinity is not supported yet",
    ],
    [
      pod({ volumes: [{ name: "cfg", configMap: { name: "c" } }] }),
      "spec.volumes[0].configMap: configMap volumes are not supported yet (supported: hostPath, emptyDir)",
    ],
    [
      pod({ volumes: [{ name: "s", secret: { secretName: "s" } }] }),
      "spec.volumes[0].secret: secret volumes are not supported yet (supported: hostPath, emptyDir)",
    ],
    [
      pod({ volumes: [{ name: "p", projected: { sources: [] } }] }),
      "spec.volumes[0].projected: projected volumes are not supported yet (supported: hostPath, emptyDir)",
    ],
    [
      pod({ volumes: [{ name: "d", persistentVolumeClaim: { claimName: "c" } }] }),
      "spec.volumes[0].persistentVolumeClaim: persistentVolumeClaim volumes are not supported yet (supported: hostPath, emptyDir)",
    ],
    [
      container({ resources: { limits: { "nvidia.com/gpu": 1 } } }),
      "spec.containers[0].resources.limits[nvidia.com/gpu]: resource nvidia.com/gpu is not supported yet (supported: cpu, memory, ephemeral-storage)",
    ],
  ];
  for (const [doc, expected] of cases) {
    it(expected, () => assert.equal(refusal(doc), `${FILE}: ${expected}`));
  }
});

describe("parseManifest: pod, metadata and DaemonSet rules", () => {
  const cases: [string, unknown, string][] = [
    ["unknown top-level field", { ...pod(), extra: 1 }, "extra: unknown field"],
    [
      "bad emptyDir sizeLimit",
      pod({ volumes: [{ name: "t", emptyDir: { sizeLimit: "lots" } }] }),
      'spec.volumes[0].emptyDir.sizeLimit: "lots" is not a valid quantity',
    ],
    [
      "duplicate container names",
      pod({
        containers: [
          { name: "app", image: "a" },
          { name: "app", image: "b" },
        ],
      }),
      "spec.containers[1].name: duplicate container name app",
    ],
    ["no containers", pod({ containers: [] }), "spec.containers: must have at least one container"],
    [
      "hostPort differs under hostNetwork",
      pod({
        hostNetwork: true,
        containers: [{ name: "app", image: "a", ports: [{ containerPort: 80, hostPort: 8080 }] }],
      }),
      "spec.containers[0].ports[0].hostPort: must equal containerPort when hostNetwork is true",
    ],
    [
      "host port claimed twice",
      pod({
        containers: [
          { name: "a", image: "a", ports: [{ containerPort: 80, hostPort: 80 }] },
          { name: "b", image: "b", ports: [{ containerPort: 81, hostPort: 80 }] },
        ],
      }),
      "spec.containers[1].ports[0].hostPort: host port 80/TCP is already used in this pod",
    ],
    [
      "subPath on a Memory emptyDir",
      pod({
        volumes: [{ name: "t", emptyDir: { medium: "Memory" } }],
        containers: [
          { name: "app", image: "x", volumeMounts: [{ name: "t", mountPath: "/t", subPath: "a" }] },
        ],
      }),
      "spec.containers[0].volumeMounts[0].subPath: subPath on a Memory emptyDir is not supported yet",
    ],
    [
      "bad hostPath type",
      pod({ volumes: [{ name: "v", hostPath: { path: "/x", type: "Dir" } }] }),
      "spec.volumes[0].hostPath.type: must be one of",
    ],
    [
      "relative hostPath",
      pod({ volumes: [{ name: "v", hostPath: { path: "var/log" } }] }),
      "spec.volumes[0].hostPath.path: must be an absolute path",
    ],
    [
      "volume without a type",
      pod({ volumes: [{ name: "v" }] }),
      "spec.volumes[0]: must set a volume type: hostPath or emptyDir",
    ],
    [
      "duplicate volume names",
      pod({
        volumes: [
          { name: "v", emptyDir: {} },
          { name: "v", emptyDir: {} },
        ],
      }),
      "spec.volumes[1].name: duplicate volume name v",
    ],
    [
      "bad emptyDir medium",
      pod({ volumes: [{ name: "v", emptyDir: { medium: "HugePages" } }] }),
      'spec.volumes[0].emptyDir.medium: must be "" (disk) or Memory',
    ],
    [
      "runAsNonRoot with root",
      pod({
        securityContext: { runAsNonRoot: true },
        containers: [{ name: "app", image: "x", securityContext: { runAsUser: 0 } }],
      }),
      "spec.containers[0].securityContext.runAsUser: is 0 (root) but runAsNonRoot is true for container app",
    ],
    [
      "runAsGroup without runAsUser",
      pod({ securityContext: { runAsGroup: 1000 } }),
      "spec.securityContext.runAsGroup: needs runAsUser as well for container app",
    ],
    [
      "bad restartPolicy",
      pod({ restartPolicy: "Sometimes" }),
      'spec.restartPolicy: must be one of "Always", "OnFailure", "Never"',
    ],
    [
      "negative grace period",
      pod({ terminationGracePeriodSeconds: -1 }),
      "spec.terminationGracePeriodSeconds: must be greater than or equal to 0",
    ],
    [
      "bad label key",
      { ...pod(), metadata: { name: "web", labels: { "-bad": "x" } } },
      "metadata.labels[-bad]: key must be a qualified name",
    ],
    [
      "bad label value",
      { ...pod(), metadata: { name: "web", labels: { app: "a b" } } },
      "metadata.labels.app: must be empty or at most 63",
    ],
    ["missing name", { ...pod(), metadata: { generateName: "web-" } }, "metadata.name: required"],
    [
      "bad name",
      { ...pod(), metadata: { name: "Web" } },
      "metadata.name: must be a lowercase RFC 1123 subdomain",
    ],
    [
      "bad namespace",
      { ...pod(), metadata: { name: "web", namespace: "a.b" } },
      "metadata.namespace: must be a lowercase RFC 1123 label",
    ],
    ["missing kind", { apiVersion: "v1", metadata: { name: "x" } }, "kind: required"],
    [
      "other kind",
      { apiVersion: "apps/v1", kind: "Deployment" },
      "kind: must be Pod or DaemonSet, not Deployment",
    ],
    [
      "wrong apiVersion",
      { ...daemonSet(), apiVersion: "extensions/v1beta1" },
      'apiVersion: must be "apps/v1"',
    ],
    ["not an object", ["a"], "must be a v1 Pod or an apps/v1 DaemonSet object"],
    [
      "toleration without key",
      pod({ tolerations: [{ operator: "Equal", value: "x" }] }),
      "spec.tolerations[0].operator: must be Exists when key is empty",
    ],
    [
      "tolerationSeconds without NoExecute",
      pod({ tolerations: [{ key: "k", operator: "Exists", tolerationSeconds: 5 }] }),
      "spec.tolerations[0].effect: must be NoExecute when tolerationSeconds is set",
    ],
    [
      "Gt with two values",
      pod({
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                { matchExpressions: [{ key: "cores", operator: "Gt", values: ["1", "2"] }] },
              ],
            },
          },
        },
      }),
      "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values: must be a single integer when operator is Gt",
    ],
    [
      "bad nodeSelector value",
      pod({ nodeSelector: { disk: "fast ssd" } }),
      "spec.nodeSelector.disk: must be empty or at most 63",
    ],
  ];
  for (const [name, doc, expected] of cases) {
    it(name, () => assertRefused(doc, expected));
  }

  it("names the nested DaemonSet path", () => {
    const ds = daemonSet({
      containers: [
        { name: "a", image: "busybox" },
        { name: "b", image: "busybox", ports: [{ containerPort: 0 }] },
      ],
    });
    assert.equal(
      refusal(ds),
      `${FILE}: spec.template.spec.containers[1].ports[0].containerPort: must be between 1 and 65535`,
    );
  });

  it("refuses a selector that does not match the template labels", () => {
    assert.equal(
      refusal(daemonSet({}, { templateMetadata: { labels: { app: "other" } } })),
      `${FILE}: spec.template.metadata.labels: selector does not match template labels`,
    );
  });

  it("refuses an empty selector", () => {
    const ds = daemonSet({}, { spec: { selector: {} } });
    assert.equal(refusal(ds), `${FILE}: spec.selector: must not be empty`);
  });

  it("refuses a DaemonSet pod that does not always restart", () => {
    assert.equal(
      refusal(daemonSet({ restartPolicy: "OnFailure" })),
      `${FILE}: spec.template.spec.restartPolicy: must be Always for a DaemonSet`,
    );
  });

  it("refuses rolling updates that cannot progress", () => {
    const updateStrategy = { rollingUpdate: { maxUnavailable: 0 } };
    const ds = daemonSet({}, { spec: { updateStrategy } });
    assert.equal(
      refusal(ds),
      `${FILE}: spec.updateStrategy.rollingUpdate.maxUnavailable: may not be 0 when maxSurge is 0`,
    );
  });

  it("accepts OnDelete and surge, and refuses rollingUpdate beside OnDelete", () => {
    const onDelete = daemonSet({}, { spec: { updateStrategy: { type: "OnDelete" } } });
    assert.doesNotThrow(() => parse(onDelete));
    const surge = { rollingUpdate: { maxUnavailable: 0, maxSurge: "25%" } };
    assert.doesNotThrow(() => parse(daemonSet({}, { spec: { updateStrategy: surge } })));
    const both = { type: "OnDelete", rollingUpdate: { maxUnavailable: 1 } };
    assert.match(
      refusal(daemonSet({}, { spec: { updateStrategy: both } })),
      /spec\.updateStrategy\.rollingUpdate: may not be set when type is OnDelete/,
    );
  });
});
