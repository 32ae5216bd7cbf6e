import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ContainerStatus, Pod } from "kubernetes-types/core/v1.js";
import { formatPodTable } from "./pod-table.js";
import { formatTable } from "./tab-table.js";

const now = new Date("2024-05-06T12:00:00Z");

function pod(name: string, createdAt: string, statuses: ContainerStatus[], phase = "Running"): Pod {
  return {
    metadata: { name, namespace: "default", creationTimestamp: createdAt },
    spec: { nodeName: "web1", containers: statuses.map((s) => ({ name: s.name })) },
    status: { phase, containerStatuses: statuses },
  };
}

function status(name: string, fields: Partial<ContainerStatus>): ContainerStatus {
  return { name, image: "busybox", imageID: "", ready: false, restartCount: 0, ...fields };
}

const runningSince = { running: { startedAt: "2024-05-06T09:49:00Z" } };

describe("formatPodTable", () => {
  it("reproduces kubectl's own output for restarted pods", () => {
    // Verbatim `kubectl get pods -n kube-system -l k8s-app=kube-dns` from a real cluster.
    const coredns = (suffix: string) =>
      pod(`coredns-7db6d8ff4d-${suffix}`, "2024-05-01T15:00:00Z", [
        status("coredns", {
          ready: true,
          restartCount: 2,
          state: runningSince,
          lastState: { terminated: { exitCode: 255, finishedAt: "2024-05-06T09:49:00Z" } },
        }),
      ]);
    assert.equal(
      formatPodTable([coredns("7kb9x"), coredns("gkp5z")], { wide: false, now }),
      [
        "NAME                       READY   STATUS    RESTARTS       AGE",
        "coredns-7db6d8ff4d-7kb9x   1/1     Running   2 (131m ago)   4d21h",
        "coredns-7db6d8ff4d-gkp5z   1/1     Running   2 (131m ago)   4d21h",
        "",
      ].join("\n"),
    );
  });

  it("shows why pods do not run", () => {
    const pods = [
      pod("exporter-web1", "2024-05-06T10:00:00Z", [
        status("exporter", { ready: true, state: runningSince }),
      ]),
      pod("log-shipper-web1", "2024-05-06T11:59:15Z", [
        status("shipper", { state: { waiting: { reason: "HostPathNotAllowed" } } }),
      ]),
      pod("proxy-web1", "2024-05-06T11:56:48Z", [
        status("proxy", { ready: true, state: runningSince }),
        status("sidecar", {
          restartCount: 3,
          state: { waiting: { reason: "CrashLoopBackOff" } },
          lastState: {
            terminated: { exitCode: 1, reason: "Error", finishedAt: "2024-05-06T11:59:35Z" },
          },
        }),
      ]),
      pod(
        "batch-once",
        "2024-05-04T09:00:00Z",
        [status("main", { state: { terminated: { exitCode: 0, reason: "Completed" } } })],
        "Succeeded",
      ),
    ];
    assert.equal(
      formatPodTable(pods, { wide: false, now }),
      [
        "NAME               READY   STATUS               RESTARTS      AGE",
        "exporter-web1      1/1     Running              0             120m",
        "log-shipper-web1   0/1     HostPathNotAllowed   0             45s",
        "proxy-web1         1/2     CrashLoopBackOff     3 (25s ago)   3m12s",
        "batch-once         0/1     Completed            0             2d3h",
        "",
      ].join("\n"),
    );
  });

  it("adds IP and NODE when wide, <none> when unknown", () => {
    const exporter = pod("exporter-web1", "2024-05-06T06:50:00Z", [
      status("exporter", { ready: true, state: runningSince }),
    ]);
    const hostNetwork: Pod = { ...exporter, status: { ...exporter.status, podIP: "10.0.0.5" } };
    const unplaced: Pod = { metadata: { name: "fresh" }, spec: { containers: [{ name: "c" }] } };
    assert.equal(
      formatPodTable([hostNetwork, unplaced], { wide: true, now }),
      [
        "NAME            READY   STATUS    RESTARTS   AGE         IP         NODE",
        "exporter-web1   1/1     Running   0          5h10m       10.0.0.5   web1",
        "fresh           0/1               0          <unknown>   <none>     <none>",
        "",
      ].join("\n"),
    );
  });
});

describe("formatTable", () => {
  it("pads every column but the last to its widest cell plus three, at least six", () => {
    assert.equal(
      formatTable([
        ["A", "BB", "C"],
        ["dddd", "", "e"],
      ]),
      "A      BB    C\ndddd         e\n",
    );
  });

  it("counts characters, not UTF-16 units", () => {
    assert.equal(
      formatTable([
        ["🐳x", "y"],
        ["ab", "z"],
      ]),
      "🐳x    y\nab    z\n",
    );
  });
});
