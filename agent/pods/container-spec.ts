// Turns one container of a desired pod into the engine-neutral ContainerSpec the runtime
// creates, with Kubernetes' semantics for command/args, env, users, limits, ports and mounts.
// Pure: everything that needs I/O (volumes, subPaths, the node's address) is resolved by the
// caller and passed in.
import type { DefaultedContainer, DesiredPod } from "./desired-pod.js";
import { resolveEnv } from "./container-env.js";
import type { NodeCapacity } from "./downward-api.js";
import { expandVars } from "./env-expansion.js";
import { parseQuantity } from "./quantity.js";
import { specHash } from "./spec-hash.js";
import { LABEL } from "../runtime/labels.js";
import type { ContainerSpec, Mount, PortBinding } from "../runtime/runtime.js";

/** A pod volume made ready on the host: a bind source, or a tmpfs (emptyDir medium Memory). */
export type ResolvedVolume =
  { kind: "bind"; source: string; readOnly: boolean } | { kind: "tmpfs"; sizeBytes?: number };

export interface ContainerSpecContext {
  hostIP: string;
  /** Counts the container's restarts; part of the name and labels. */
  attempt: number;
  /** For `resourceFieldRef` to a limit the container does not set, as Kubernetes does. */
  nodeCapacity: NodeCapacity;
  /** Every volume the container mounts, by volume name. */
  volumes: Map<string, ResolvedVolume>;
  /** Host sources of mounts with a subPath, already resolved, keyed `${containerName}/${mountIndex}`. */
  subPaths?: Map<string, string>;
}

const PROPAGATION: Record<string, Mount["propagation"]> = {
  None: "rprivate",
  HostToContainer: "rslave",
  Bidirectional: "rshared",
};

/** Engine-side name; for people reading `docker ps`, never used to find containers. */
export function dockerContainerName(pod: DesiredPod, container: string, attempt: number): string {
  return `dl_${container}_${pod.name}_${pod.namespace}_${pod.uid.slice(0, 8)}_${attempt}`;
}

export function buildContainerSpec(
  pod: DesiredPod,
  container: DefaultedContainer,
  ctx: ContainerSpecContext,
): ContainerSpec {
  if (!container.image) throw new Error(`container ${container.name} has no image`);
  const env = resolveEnv(pod, container, ctx);
  const expand = (s: string) => expandVars(s, (name) => env.get(name));
  const command = container.command?.length ? container.command.map(expand) : undefined;
  const args = container.args?.length ? container.args.map(expand) : undefined;
  const sc = container.securityContext;
  const limits = container.resources?.limits ?? {};
  const user = userOf(pod, container);
  return {
    name: dockerContainerName(pod, container.name, ctx.attempt),
    image: container.image,
    labels: {
      [LABEL.podUid]: pod.uid,
      [LABEL.podName]: pod.name,
      [LABEL.namespace]: pod.namespace,
      [LABEL.container]: container.name,
      [LABEL.node]: pod.nodeName,
      [LABEL.specHash]: specHash(pod, container),
      [LABEL.attempt]: String(ctx.attempt),
      [LABEL.gracePeriod]: String(pod.spec.terminationGracePeriodSeconds),
    },
    ...(command && { entrypoint: command }),
    // Kubernetes: a command without args replaces the image's CMD as well as its ENTRYPOINT.
    ...((args || command) && { cmd: args ?? [] }),
    env: [...env].map(([name, value]) => `${name}=${value}`),
    ...(container.workingDir && { workingDir: container.workingDir }),
    ...(user && { user }),
    hostNetwork: pod.spec.hostNetwork === true,
    hostPID: pod.spec.hostPID === true,
    ports: (container.ports ?? []).map((p): PortBinding => ({
      containerPort: p.containerPort,
      protocol: protocolOf(p.protocol),
      ...(p.hostPort && { hostPort: p.hostPort }),
      ...(p.hostIP && { hostIP: p.hostIP }),
    })),
    mounts: mountsOf(container, ctx),
    privileged: sc?.privileged === true,
    capAdd: sc?.capabilities?.add ?? [],
    capDrop: sc?.capabilities?.drop ?? [],
    readOnlyRootFilesystem: sc?.readOnlyRootFilesystem === true,
    ...(limits.cpu !== undefined && { nanoCpus: Math.round(parseQuantity(limits.cpu) * 1e9) }),
    ...(limits.memory !== undefined && { memoryBytes: Math.ceil(parseQuantity(limits.memory)) }),
    tty: container.tty === true,
    stdin: container.stdin === true,
  };
}

/** `uid[:gid]`, each from the container's securityContext, else the pod's. */
function userOf(pod: DesiredPod, container: DefaultedContainer): string | undefined {
  const podSc = pod.spec.securityContext;
  const uid = container.securityContext?.runAsUser ?? podSc?.runAsUser;
  const gid = container.securityContext?.runAsGroup ?? podSc?.runAsGroup;
  // Validation refuses a group without a user, since Docker cannot express it.
  if (uid === undefined) return undefined;
  return gid === undefined ? String(uid) : `${uid}:${gid}`;
}

function protocolOf(protocol: string | undefined): PortBinding["protocol"] {
  return protocol === "UDP" || protocol === "SCTP" ? protocol : "TCP";
}

function mountsOf(container: DefaultedContainer, ctx: ContainerSpecContext): Mount[] {
  return (container.volumeMounts ?? []).map((m, i): Mount => {
    const volume = ctx.volumes.get(m.name);
    if (!volume)
      throw new Error(`volume ${m.name} for container ${container.name} was not resolved`);
    const readOnly = m.readOnly === true;
    if (m.subPath) {
      const source = ctx.subPaths?.get(`${container.name}/${i}`);
      if (source === undefined || volume.kind !== "bind") {
        throw new Error(`subPath ${m.subPath} for container ${container.name} was not resolved`);
      }
      return bind(source, m.mountPath, readOnly || volume.readOnly, m.mountPropagation);
    }
    if (volume.kind === "bind") {
      return bind(volume.source, m.mountPath, readOnly || volume.readOnly, m.mountPropagation);
    }
    return {
      type: "tmpfs",
      target: m.mountPath,
      readOnly,
      ...(volume.sizeBytes !== undefined && { sizeBytes: volume.sizeBytes }),
    };
  });
}

function bind(source: string, target: string, readOnly: boolean, propagation?: string): Mount {
  // Kubernetes' default propagation is None, which is rprivate.
  return {
    type: "bind",
    source,
    target,
    readOnly,
    propagation: PROPAGATION[propagation ?? "None"],
  };
}
