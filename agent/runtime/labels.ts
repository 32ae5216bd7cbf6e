// Every container daemonlet creates carries these labels; they are how the agent finds its
// containers again (never by name) and how tests and operators find and remove them.
export const LABEL = {
  podUid: "io.daemonlet.pod-uid",
  podName: "io.daemonlet.pod-name",
  namespace: "io.daemonlet.namespace",
  container: "io.daemonlet.container",
  node: "io.daemonlet.node",
  specHash: "io.daemonlet.spec-hash",
  attempt: "io.daemonlet.attempt",
  // Kept on the container so an agent restarted after its pod vanished still stops it gently.
  gracePeriod: "io.daemonlet.termination-grace-period",
} as const;
