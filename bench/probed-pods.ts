// The pods the agent's benchmarks run (bench:probes, bench:agent-footprint): each a busybox
// httpd with a readiness probe (httpGet, or tcpSocket) and an exec liveness probe.
import type { Pod } from "kubernetes-types/core/v1.js";

const IMAGE = "busybox:1.36";
const PORT = 8080;

export function probedWebPod(
  i: number,
  { periodSeconds, tcpReadiness = false }: { periodSeconds: number; tcpReadiness?: boolean },
): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: `web-${String(i).padStart(2, "0")}` },
    spec: {
      terminationGracePeriodSeconds: 1,
      containers: [
        {
          name: "web",
          image: IMAGE,
          imagePullPolicy: "Never",
          command: [
            "sh",
            "-c",
            `mkdir -p /www && echo ok > /www/index.html && exec httpd -f -p ${PORT} -h /www`,
          ],
          ports: [{ containerPort: PORT }],
          readinessProbe: {
            ...(tcpReadiness
              ? { tcpSocket: { port: PORT } }
              : { httpGet: { path: "/", port: PORT } }),
            periodSeconds,
          },
          livenessProbe: { exec: { command: ["true"] }, periodSeconds },
        },
      ],
    },
  };
}

export const isRunningAndReady = (p: Pod) =>
  p.status?.phase === "Running" &&
  !!p.status.conditions?.some((c) => c.type === "Ready" && c.status === "True");
