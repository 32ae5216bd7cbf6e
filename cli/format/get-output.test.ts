import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { DaemonSetStatus } from "kubernetes-types/apps/v1.js";
import type { PodSpec } from "kubernetes-types/core/v1.js";
import type { DaemonSetObject, NodeObject, PodObject } from "../../hub/store/index.js";
import { renderGet, type GetOutputOptions } from "./get-output.js";
import { formatPodTable } from "./pod-table.js";

const now = new Date("2024-05-06T12:00:00Z");
const options: GetOutputOptions = {
  format: "table",
  single: false,
  allNamespaces: false,
  namespace: "default",
  now,
};

function daemonSet(
  name: string,
  namespace: string,
  { createdAt, spec, status }: { createdAt: string; spec?: PodSpec; status?: DaemonSetStatus },
): DaemonSetObject {
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name, namespace, creationTimestamp: createdAt },
    spec: {
      selector: { matchLabels: { name } },
      template: {
        metadata: { labels: { name } },
        spec: spec ?? { containers: [{ name, image: `registry.example/${name}:1.0` }] },
      },
    },
    ...(status && { status }),
  };
}

const fluentd = daemonSet("fluentd", "kube-system", {
  createdAt: "2024-05-06T11:55:00Z",
  status: {
    desiredNumberScheduled: 3,
    currentNumberScheduled: 3,
    numberReady: 2,
    updatedNumberScheduled: 3,
    numberAvailable: 2,
    numberMisscheduled: 0,
  },
});
// Just applied: the controller has not written its status yet.
const exporter = daemonSet("node-exporter", "monitoring", {
  createdAt: "2024-05-01T12:00:00Z",
  spec: {
    nodeSelector: { "kubernetes.io/os": "linux", disk: "ssd" },
    containers: [
      { name: "node-exporter", image: "registry.example/node-exporter:1.0" },
      { name: "rbac-proxy", image: "kube-rbac-proxy:0.18" },
    ],
  },
});

function node(
  name: string,
  extra: { ready?: string; unschedulable?: boolean; labels?: Record<string, string> } = {},
) {
  const object: NodeObject = {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name, labels: extra.labels ?? {}, creationTimestamp: "2024-04-06T12:00:00Z" },
    spec: extra.unschedulable ? { unschedulable: true } : {},
    status: {
      ...(extra.ready && { conditions: [{ type: "Ready", status: extra.ready }] }),
      addresses: [{ type: "InternalIP", address: `10.0.0.${name.length}` }],
      nodeInfo: {
        architecture: "amd64",
        bootID: "",
        containerRuntimeVersion: "docker://27.1.1",
        kernelVersion: "6.1.0-21-amd64",
        kubeProxyVersion: "",
        kubeletVersion: "daemonlet-0.1.0",
        machineID: "",
        operatingSystem: "linux",
        osImage: "Debian GNU/Linux 12 (bookworm)",
        systemUUID: "",
      },
    },
  };
  return object;
}

describe("renderGet daemonsets", () => {
  it("prints kubectl's columns", () => {
    assert.deepEqual(renderGet("DaemonSet", [fluentd], options), {
      stdout: [
        "NAME      DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR   AGE",
        "fluentd   3         3         2       3            2           <none>          5m",
        "",
      ].join("\n"),
      stderr: "",
    });
  });

  it("adds NAMESPACE across namespaces and CONTAINERS IMAGES SELECTOR when wide", () => {
    const { stdout } = renderGet("DaemonSet", [exporter, fluentd], {
      ...options,
      format: "wide",
      allNamespaces: true,
    });
    assert.equal(
      stdout,
      [
        "NAMESPACE     NAME            DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR                     AGE   CONTAINERS                 IMAGES                                                    SELECTOR",
        "monitoring    node-exporter   0         0         0       0            0           disk=ssd,kubernetes.io/os=linux   5d    node-exporter,rbac-proxy   registry.example/node-exporter:1.0,kube-rbac-proxy:0.18   name=node-exporter",
        "kube-system   fluentd         3         3         2       3            2           <none>                            5m    fluentd                    registry.example/fluentd:1.0                              name=fluentd",
        "",
      ].join("\n"),
    );
  });

  it("says so on stderr when there are none", () => {
    assert.deepEqual(renderGet("DaemonSet", [], options), {
      stdout: "",
      stderr: "No resources found in default namespace.\n",
    });
    assert.deepEqual(renderGet("DaemonSet", [], { ...options, allNamespaces: true }), {
      stdout: "",
      stderr: "No resources found\n",
    });
  });
});

describe("renderGet nodes", () => {
  const nodes = [
    node("cp1", { ready: "True", labels: { "node-role.kubernetes.io/control-plane": "" } }),
    node("web1", { ready: "True", unschedulable: true }),
    node("web2", { ready: "Unknown" }),
    node("web3", {
      ready: "False",
      labels: { "node-role.kubernetes.io/ingress": "", "node-role.kubernetes.io/edge": "" },
    }),
    node("new"),
  ];

  it("shows readiness, cordons and roles as kubectl does", () => {
    assert.equal(
      renderGet("Node", nodes, options).stdout,
      [
        "NAME   STATUS                     ROLES           AGE   VERSION",
        "cp1    Ready                      control-plane   30d   daemonlet-0.1.0",
        "web1   Ready,SchedulingDisabled   <none>          30d   daemonlet-0.1.0",
        "web2   NotReady                   <none>          30d   daemonlet-0.1.0",
        "web3   NotReady                   edge,ingress    30d   daemonlet-0.1.0",
        "new    Unknown                    <none>          30d   daemonlet-0.1.0",
        "",
      ].join("\n"),
    );
  });

  it("adds addresses and system info when wide, never a NAMESPACE column", () => {
    assert.equal(
      renderGet("Node", nodes.slice(0, 1), { ...options, format: "wide", allNamespaces: true })
        .stdout,
      [
        "NAME   STATUS   ROLES           AGE   VERSION           INTERNAL-IP   EXTERNAL-IP   OS-IMAGE                         KERNEL-VERSION   CONTAINER-RUNTIME",
        "cp1    Ready    control-plane   30d   daemonlet-0.1.0   10.0.0.3      <none>        Debian GNU/Linux 12 (bookworm)   6.1.0-21-amd64   docker://27.1.1",
        "",
      ].join("\n"),
    );
  });

  it("says so on stderr when there are none", () => {
    assert.deepEqual(renderGet("Node", [], options), {
      stdout: "",
      stderr: "No resources found\n",
    });
  });
});

describe("renderGet pods", () => {
  const pods: PodObject[] = [
    {
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name: "fluentd-x5c5n",
        namespace: "kube-system",
        creationTimestamp: "2024-05-06T11:50:00Z",
      },
      spec: { nodeName: "web1", containers: [{ name: "fluentd" }] },
      status: {
        phase: "Running",
        podIP: "10.0.0.4",
        containerStatuses: [
          {
            name: "fluentd",
            image: "fluentd",
            imageID: "",
            ready: true,
            restartCount: 0,
            state: { running: {} },
          },
        ],
      },
    },
    {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "fluentd-q2w4z", namespace: "kube-system" },
      spec: { containers: [{ name: "fluentd" }] },
      status: { phase: "Pending" },
    },
  ];

  it("prints the same cells as `node pods`", () => {
    for (const format of ["table", "wide"] as const) {
      assert.equal(
        renderGet("Pod", pods, { ...options, format }).stdout,
        formatPodTable(pods, { wide: format === "wide", now }),
      );
    }
  });

  it("prefixes NAMESPACE across namespaces", () => {
    assert.equal(
      renderGet("Pod", pods, { ...options, allNamespaces: true }).stdout,
      [
        "NAMESPACE     NAME            READY   STATUS    RESTARTS   AGE",
        "kube-system   fluentd-x5c5n   1/1     Running   0          10m",
        "kube-system   fluentd-q2w4z   0/1     Pending   0          <unknown>",
        "",
      ].join("\n"),
    );
  });
});

describe("renderGet -o json|yaml", () => {
  const plain = node("web1");
  it("prints one named object as itself", () => {
    const { stdout } = renderGet("Node", [plain], { ...options, format: "json", single: true });
    assert.deepEqual(JSON.parse(stdout), plain);
    assert.match(stdout, /^\{\n {4}"apiVersion": "v1",\n {4}"kind": "Node",/);
  });

  it("prints a list as a v1 List with sorted keys", () => {
    const { stdout } = renderGet("Node", [], { ...options, format: "yaml" });
    assert.equal(
      stdout,
      'apiVersion: v1\nitems: []\nkind: List\nmetadata:\n  resourceVersion: ""\n',
    );
  });
});
