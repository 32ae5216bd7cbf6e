import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { DaemonSet } from "kubernetes-types/apps/v1.js";
import type { Event, Node, Pod } from "kubernetes-types/core/v1.js";
import { describeDaemonSet } from "./describe-daemonset.js";
import { describeNode } from "./describe-node.js";
import { describePod } from "./describe-pod.js";

const now = new Date("2024-05-06T12:00:00Z");

function event(reason: string, message: string, at: string, extra: Partial<Event> = {}): Event {
  return {
    metadata: { name: `${reason}.1`, namespace: "kube-system" },
    involvedObject: { kind: "DaemonSet", name: "fluentd", namespace: "kube-system" },
    type: "Normal",
    reason,
    message,
    firstTimestamp: at,
    lastTimestamp: at,
    count: 1,
    source: { component: "daemonset-controller" },
    ...extra,
  };
}

const fluentd: DaemonSet = {
  metadata: {
    name: "fluentd",
    namespace: "kube-system",
    uid: "ds-uid",
    labels: { "k8s-app": "fluentd-logging" },
    annotations: { "example.com/owner": "platform" },
    creationTimestamp: "2024-05-06T11:00:00Z",
  },
  spec: {
    selector: { matchLabels: { name: "fluentd" } },
    template: {
      metadata: { labels: { name: "fluentd" } },
      spec: {
        tolerations: [
          {
            key: "node-role.kubernetes.io/control-plane",
            operator: "Exists",
            effect: "NoSchedule",
          },
        ],
        containers: [
          {
            name: "fluentd",
            image: "quay.io/fluentd_elasticsearch/fluentd:v2.5.2",
            args: ["--config", "/etc/fluent.conf"],
            ports: [{ containerPort: 24224, protocol: "TCP" }],
            env: [
              { name: "LEVEL", value: "info" },
              { name: "NODE", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
            ],
            resources: { limits: { memory: "200Mi" }, requests: { cpu: "100m", memory: "200Mi" } },
            volumeMounts: [
              { name: "varlog", mountPath: "/var/log" },
              { name: "containers", mountPath: "/var/lib/docker/containers", readOnly: true },
            ],
          },
        ],
        volumes: [
          { name: "varlog", hostPath: { path: "/var/log" } },
          {
            name: "containers",
            hostPath: { path: "/var/lib/docker/containers", type: "Directory" },
          },
          { name: "buffer", emptyDir: {} },
        ],
      },
    },
  },
  status: {
    desiredNumberScheduled: 2,
    currentNumberScheduled: 2,
    numberReady: 1,
    updatedNumberScheduled: 2,
    numberAvailable: 1,
    numberMisscheduled: 0,
  },
};

function pod(name: string, phase: string): Pod {
  return { metadata: { name }, spec: { containers: [] }, status: { phase } };
}

describe("describeDaemonSet", () => {
  it("prints kubectl's sections, the pod template and the events", () => {
    const events = [
      event("SuccessfulCreate", "Created pod: fluentd-x5c5n", "2024-05-06T11:59:50Z"),
      event("SuccessfulCreate", "Created pod: fluentd-q2w4z", "2024-05-06T11:00:10Z"),
      event("SuccessfulDelete", "Deleted pod: fluentd-old (node gone)", "2024-05-06T11:58:00Z", {
        count: 3,
        firstTimestamp: "2024-05-06T11:30:00Z",
      }),
    ];
    assert.equal(
      describeDaemonSet(fluentd, [pod("a", "Running"), pod("b", "Pending")], events, now, 3),
      `Name:           fluentd
Namespace:      kube-system
Selector:       name=fluentd
Node-Selector:  <none>
Labels:         k8s-app=fluentd-logging
Annotations:    example.com/owner: platform
Desired Number of Nodes Scheduled: 2
Current Number of Nodes Scheduled: 2
Number of Nodes Scheduled with Up-to-date Pods: 2
Number of Nodes Scheduled with Available Pods: 1
Number of Nodes Misscheduled: 0
Pods Status:        1 Running / 1 Waiting / 0 Succeeded / 0 Failed
Update Strategy:    RollingUpdate (max unavailable 1, max surge 0)
Min Ready Seconds:  0
Revision:           3
Rollout:            2 of 2 nodes updated, 1 available
Pod Template:
  Labels:  name=fluentd
  Containers:
   fluentd:
    Image:      quay.io/fluentd_elasticsearch/fluentd:v2.5.2
    Port:       24224/TCP
    Host Port:  0/TCP
    Args:
      --config
      /etc/fluent.conf
    Limits:
      memory:  200Mi
    Requests:
      cpu:     100m
      memory:  200Mi
    Environment:
      LEVEL:  info
      NODE:    (v1:spec.nodeName)
    Mounts:
      /var/lib/docker/containers from containers (ro)
      /var/log from varlog (rw)
  Volumes:
   varlog:
    Type:          HostPath (bare host directory volume)
    Path:          /var/log
    HostPathType:  <none>
   containers:
    Type:          HostPath (bare host directory volume)
    Path:          /var/lib/docker/containers
    HostPathType:  Directory
   buffer:
    Type:          EmptyDir (a temporary directory that shares a pod's lifetime)
    Medium:        
    SizeLimit:     <unset>
  Node-Selectors:  <none>
  Tolerations:     node-role.kubernetes.io/control-plane:NoSchedule op=Exists
Events:
  Type    Reason            Age               From                  Message
  ----    ------            ----              ----                  -------
  Normal  SuccessfulCreate  59m               daemonset-controller  Created pod: fluentd-q2w4z
  Normal  SuccessfulDelete  2m (x3 over 30m)  daemonset-controller  Deleted pod: fluentd-old (node gone)
  Normal  SuccessfulCreate  10s               daemonset-controller  Created pod: fluentd-x5c5n
`,
    );
  });
});

describe("describeNode", () => {
  const node: Node = {
    metadata: {
      name: "web1",
      labels: { "kubernetes.io/hostname": "web1", "node-role.kubernetes.io/edge": "" },
      creationTimestamp: "2024-05-06T10:00:00Z",
    },
    spec: {
      unschedulable: true,
      taints: [
        { key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" },
        { key: "dedicated", value: "db", effect: "NoExecute" },
      ],
    },
    status: {
      conditions: [
        {
          type: "Ready",
          status: "True",
          lastHeartbeatTime: "2024-05-06T11:59:55Z",
          lastTransitionTime: "2024-05-06T10:00:05Z",
          reason: "AgentReady",
          message: "agent is posting ready status",
        },
      ],
      addresses: [
        { type: "InternalIP", address: "10.0.0.5" },
        { type: "Hostname", address: "web1" },
      ],
      capacity: { cpu: "4", memory: "16Gi", pods: "110" },
      allocatable: { cpu: "3500m", memory: "15Gi", pods: "110" },
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
  const pods: Pod[] = [
    {
      metadata: {
        name: "fluentd-x5c5n",
        namespace: "kube-system",
        creationTimestamp: "2024-05-06T11:59:50Z",
      },
      spec: {
        containers: [
          {
            name: "fluentd",
            resources: { requests: { cpu: "100m", memory: "200Mi" }, limits: { memory: "500Mi" } },
          },
        ],
      },
      status: { phase: "Pending" },
    },
    pod("finished", "Succeeded"),
  ];
  const usage = {
    node: {
      apiVersion: "metrics.k8s.io/v1beta1",
      kind: "NodeMetrics" as const,
      metadata: { name: "web1" },
      timestamp: "2024-05-06T11:59:58Z",
      window: "10s",
      usage: { cpu: "700000000n", memory: "3145728Ki", "ephemeral-storage": "10485760Ki" },
      network: { rxBytesPerSecond: 2048, txBytesPerSecond: 100 },
      filesystem: { availableBytes: 30 * 2 ** 30, capacityBytes: 40 * 2 ** 30 },
    },
    pods: [
      {
        apiVersion: "metrics.k8s.io/v1beta1",
        kind: "PodMetrics" as const,
        metadata: { name: "fluentd-x5c5n", namespace: "kube-system", uid: "u1" },
        timestamp: "2024-05-06T11:59:58Z",
        window: "10s",
        node: "web1",
        containers: [{ name: "fluentd", usage: { cpu: "3000000n", memory: "51200Ki" } }],
      },
    ],
  };

  it("prints identity, taints, conditions, resources, pods with requests and usage, and events", () => {
    assert.equal(
      describeNode(node, pods, [], now, usage),
      `Name:               web1
Roles:              edge
Labels:             kubernetes.io/hostname=web1
                    node-role.kubernetes.io/edge=
Annotations:        <none>
CreationTimestamp:  Mon, 06 May 2024 10:00:00 +0000
Taints:             dedicated=db:NoExecute
                    node.kubernetes.io/unschedulable:NoSchedule
Unschedulable:      true
Conditions:
  Type    Status  LastHeartbeatTime                 LastTransitionTime                Reason       Message
  ----    ------  -----------------                 ------------------                ------       -------
  Ready   True    Mon, 06 May 2024 11:59:55 +0000   Mon, 06 May 2024 10:00:05 +0000   AgentReady   agent is posting ready status
Addresses:
  InternalIP:  10.0.0.5
  Hostname:    web1
Capacity:
  cpu:     4
  memory:  16Gi
  pods:    110
Allocatable:
  cpu:     3500m
  memory:  15Gi
  pods:    110
System Info:
  Kernel Version:             6.1.0-21-amd64
  OS Image:                   Debian GNU/Linux 12 (bookworm)
  Operating System:           linux
  Architecture:               amd64
  Container Runtime Version:  docker://27.1.1
  Kubelet Version:            daemonlet-0.1.0
Non-terminated Pods:          (1 in total)
  Namespace                   Name           Status   CPU Requests  CPU Limits  Memory Requests  Memory Limits  CPU Usage  Memory Usage  Age
  ---------                   ----           ------   ------------  ----------  ---------------  -------------  ---------  ------------  ---
  kube-system                 fluentd-x5c5n  Pending  100m (3%)     0 (0%)      200Mi (1%)       500Mi (3%)     3m         50Mi          10s
Allocated resources:
  (Total limits may be over 100 percent, i.e., overcommitted.)
  Resource            Requests    Limits
  --------            --------    ------
  cpu                 100m (3%)   0 (0%)
  memory              200Mi (1%)  500Mi (3%)
Usage:                (at Mon, 06 May 2024 11:59:58 +0000, over 10s)
  cpu:                700m (20%)
  memory:             3072Mi (20%)
  ephemeral-storage:  10.0Gi used, 30.0Gi available (25%)
  network:            2.0KiB/s in, 100B/s out
Events:               <none>
`,
    );
  });
});

describe("describePod", () => {
  const running: Pod = {
    metadata: {
      name: "fluentd-x5c5n",
      namespace: "kube-system",
      labels: { name: "fluentd", "controller-revision-hash": "6d5b7c9f8" },
      ownerReferences: [
        {
          apiVersion: "apps/v1",
          kind: "DaemonSet",
          name: "fluentd",
          uid: "ds-uid",
          controller: true,
        },
      ],
      creationTimestamp: "2024-05-06T11:50:00Z",
    },
    spec: {
      nodeName: "web1",
      containers: [{ name: "fluentd", image: "fluentd:v2" }],
      tolerations: [
        { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute" },
        { key: "node.kubernetes.io/disk-pressure", operator: "Exists", effect: "NoSchedule" },
      ],
    },
    status: {
      phase: "Running",
      hostIP: "10.0.0.5",
      podIP: "10.0.0.5",
      startTime: "2024-05-06T11:50:01Z",
      conditions: [
        { type: "Initialized", status: "True" },
        { type: "Ready", status: "True" },
      ],
      containerStatuses: [
        {
          name: "fluentd",
          image: "fluentd:v2",
          imageID: "docker-pullable://fluentd@sha256:abc",
          containerID: "docker://0123",
          ready: true,
          restartCount: 1,
          state: { running: { startedAt: "2024-05-06T11:55:00Z" } },
          lastState: {
            terminated: {
              exitCode: 137,
              reason: "OOMKilled",
              startedAt: "2024-05-06T11:50:02Z",
              finishedAt: "2024-05-06T11:54:59Z",
            },
          },
        },
      ],
    },
  };
  const events: Event[] = [
    event("BackOff", "Back-off restarting failed container", "2024-05-06T11:55:00Z", {
      type: "Warning",
      source: { component: "daemonlet-agent", host: "web1" },
    }),
  ];

  it("prints the pod, its containers' states and events", () => {
    assert.equal(
      describePod(running, events, now),
      `Name:         fluentd-x5c5n
Namespace:    kube-system
Node:         web1/10.0.0.5
Start Time:   Mon, 06 May 2024 11:50:01 +0000
Labels:       controller-revision-hash=6d5b7c9f8
              name=fluentd
Annotations:  <none>
Status:       Running
IP:           10.0.0.5
IPs:
  IP:           10.0.0.5
Controlled By:  DaemonSet/fluentd
Containers:
  fluentd:
    Container ID:   docker://0123
    Image:          fluentd:v2
    Image ID:       docker-pullable://fluentd@sha256:abc
    Port:           <none>
    Host Port:      <none>
    State:          Running
      Started:      Mon, 06 May 2024 11:55:00 +0000
    Last State:     Terminated
      Reason:       OOMKilled
      Exit Code:    137
      Started:      Mon, 06 May 2024 11:50:02 +0000
      Finished:     Mon, 06 May 2024 11:54:59 +0000
    Ready:          True
    Restart Count:  1
    Environment:    <none>
    Mounts:         <none>
Conditions:
  Type           Status
  Initialized    True 
  Ready          True 
Volumes:         <none>
Node-Selectors:  <none>
Tolerations:     node.kubernetes.io/disk-pressure:NoSchedule op=Exists
                 node.kubernetes.io/unreachable:NoExecute op=Exists
Events:
  Type     Reason   Age   From             Message
  ----     ------   ----  ----             -------
  Warning  BackOff  5m    daemonlet-agent  Back-off restarting failed container
`,
    );
  });

  it("lists init containers and their states before the app containers", () => {
    const initialized: Pod = {
      ...running,
      spec: { ...running.spec!, initContainers: [{ name: "setup", image: "busybox:1.36" }] },
      status: {
        ...running.status,
        initContainerStatuses: [
          {
            name: "setup",
            image: "busybox:1.36",
            imageID: "sha256:1",
            containerID: "docker://0042",
            ready: true,
            restartCount: 0,
            state: {
              terminated: {
                exitCode: 0,
                reason: "Completed",
                startedAt: "2024-05-06T11:50:01Z",
                finishedAt: "2024-05-06T11:50:02Z",
              },
            },
          },
        ],
      },
    };
    const out = describePod(initialized, [], now);
    assert.match(
      out,
      /\nInit Containers:\n {2}setup:\n {4}Container ID: +docker:\/\/0042\n[^]*\n {4}State: +Terminated\n {6}Reason: +Completed\n {6}Exit Code: +0\n[^]*\nContainers:\n {2}fluentd:\n/,
    );
  });

  it("shows a pod being deleted as Terminating", () => {
    const deleting: Pod = {
      ...running,
      metadata: {
        ...running.metadata,
        deletionTimestamp: "2024-05-06T12:00:30Z",
        deletionGracePeriodSeconds: 30,
      },
    };
    assert.match(
      describePod(deleting, [], now),
      /\nStatus: {20}Terminating \(lasts 30s\)\nTermination Grace Period: {2}30s\n/,
    );
  });
});
