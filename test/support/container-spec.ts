import { randomUUID } from "node:crypto";
import { LABEL } from "../../agent/runtime/labels.js";
import type { ContainerSpec } from "../../agent/runtime/runtime.js";

let seq = 0;

/**
 * A plain busybox container spec for runtime-level tests, carrying every daemonlet label (so the
 * runtime lists it and cleanup by node label finds it); `labels` in the overrides are merged.
 */
export function testContainerSpec(
  node: string,
  overrides: Partial<ContainerSpec> = {},
): ContainerSpec {
  const n = ++seq;
  const { labels, ...rest } = overrides;
  return {
    name: `${node}-c${n}`,
    image: "busybox:1.36",
    env: [],
    hostNetwork: false,
    hostPID: false,
    ports: [],
    mounts: [],
    privileged: false,
    capAdd: [],
    capDrop: [],
    readOnlyRootFilesystem: false,
    tty: false,
    stdin: false,
    ...rest,
    labels: {
      [LABEL.podUid]: randomUUID(),
      [LABEL.podName]: `pod-${n}`,
      [LABEL.namespace]: "default",
      [LABEL.container]: "main",
      [LABEL.node]: node,
      [LABEL.specHash]: "h1",
      [LABEL.attempt]: "0",
      [LABEL.gracePeriod]: "30",
      ...labels,
    },
  };
}
