import { readFileSync } from "node:fs";
import os from "node:os";
import type { AgentDescription } from "./hub-client/hub-client.js";
import { packageVersion } from "../cli/package-version.js";
import type { NodeResources } from "./node/node-resources.js";

export type NodeDescription = Omit<AgentDescription, "labels" | "taints" | "runningPodUids">;

/** Kubernetes's architecture names (GOARCH) for Node's. */
const ARCH: Record<string, string> = {
  x64: "amd64",
  arm64: "arm64",
  arm: "arm",
  ppc64: "ppc64le",
  s390x: "s390x",
};

/** What the hub learns about this node at each connect; cheap, so read once per agent start. */
export function describeNode(
  hostIP: string,
  runtimeVersion: string,
  resources: Pick<NodeResources, "capacity" | "allocatable">,
): NodeDescription {
  return {
    agentVersion: packageVersion(),
    capacity: resources.capacity,
    allocatable: resources.allocatable,
    addresses: [
      { type: "InternalIP", address: hostIP },
      { type: "Hostname", address: os.hostname() },
    ],
    nodeInfo: {
      osImage: osImage(),
      kernelVersion: os.release(),
      architecture: ARCH[os.arch()] ?? os.arch(),
      containerRuntimeVersion: runtimeVersion,
    },
  };
}

function osImage(): string {
  try {
    const release = readFileSync("/etc/os-release", "utf8");
    return /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(release)?.[1] ?? "Linux";
  } catch {
    return "Linux";
  }
}
