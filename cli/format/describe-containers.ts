// The Containers and Volumes sections `describe` prints for a pod and for a DaemonSet's pod
// template, after kubectl's describeContainers and describeVolumes. A template has no container
// statuses, so its containers show only their spec.
import type {
  Container,
  ContainerPort,
  ContainerState,
  ContainerStatus,
  EnvVar,
  Volume,
} from "kubernetes-types/core/v1.js";
import { describeTime, type DescribeWriter } from "./describe-writer.js";
import { byText } from "./text-order.js";

/** `80/TCP,53/UDP`; a port without a host port counts as host port 0, as kubectl shows it. */
function ports(
  list: readonly ContainerPort[] | undefined,
  pick: (p: ContainerPort) => number,
): string {
  return (list ?? []).map((p) => `${pick(p)}/${p.protocol ?? "TCP"}`).join(",");
}

function writePorts(w: DescribeWriter, title: string, value: string): void {
  // kubectl pluralises the title only when there are several.
  w.write(2, value.includes(",") ? `${title}s:\t${value}\n` : `${title}:\t${value || "<none>"}\n`);
}

function writeLines(w: DescribeWriter, title: string, items: readonly string[] | undefined): void {
  if (!items || items.length === 0) return;
  w.write(2, `${title}:\n`);
  for (const item of items) for (const line of item.split("\n")) w.write(3, `${line}\n`);
}

function writeState(w: DescribeWriter, title: string, state: ContainerState | undefined): void {
  if (state?.running) {
    w.write(2, `${title}:\tRunning\n`);
    w.write(3, `Started:\t${describeTime(state.running.startedAt)}\n`);
  } else if (state?.terminated) {
    const t = state.terminated;
    w.write(2, `${title}:\tTerminated\n`);
    if (t.reason) w.write(3, `Reason:\t${t.reason}\n`);
    if (t.message) w.write(3, `Message:\t${t.message}\n`);
    w.write(3, `Exit Code:\t${t.exitCode}\n`);
    if (t.signal) w.write(3, `Signal:\t${t.signal}\n`);
    w.write(3, `Started:\t${describeTime(t.startedAt)}\n`);
    w.write(3, `Finished:\t${describeTime(t.finishedAt)}\n`);
  } else {
    w.write(2, `${title}:\tWaiting\n`);
    if (state?.waiting?.reason) w.write(3, `Reason:\t${state.waiting.reason}\n`);
  }
}

function writeResources(
  w: DescribeWriter,
  title: string,
  list: Record<string, string> | undefined,
) {
  const names = Object.keys(list ?? {}).sort(byText);
  if (names.length === 0) return;
  w.write(2, `${title}:\n`);
  for (const name of names) w.write(3, `${name}:\t${list?.[name] ?? ""}\n`);
}

function envValue(env: EnvVar): string[] {
  const from = env.valueFrom;
  if (from?.fieldRef) {
    return [`${env.name}:\t (${from.fieldRef.apiVersion ?? "v1"}:${from.fieldRef.fieldPath})`];
  }
  if (from?.resourceFieldRef) return [`${env.name}:\t (${from.resourceFieldRef.resource})`];
  return (env.value ?? "")
    .split("\n")
    .map((line, i) => (i === 0 ? `${env.name}:\t${line}` : `\t${line}`));
}

function writeContainer(
  w: DescribeWriter,
  container: Container,
  status: ContainerStatus | undefined,
  nameIndent: string,
): void {
  w.write(1, `${nameIndent}${container.name}:\n`);
  if (status) w.write(2, `Container ID:\t${status.containerID ?? ""}\n`);
  w.write(2, `Image:\t${container.image ?? ""}\n`);
  if (status) w.write(2, `Image ID:\t${status.imageID}\n`);
  writePorts(
    w,
    "Port",
    ports(container.ports, (p) => p.containerPort),
  );
  writePorts(
    w,
    "Host Port",
    ports(container.ports, (p) => p.hostPort ?? 0),
  );
  writeLines(w, "Command", container.command);
  writeLines(w, "Args", container.args);
  if (status) {
    writeState(w, "State", status.state);
    if (status.lastState?.terminated) writeState(w, "Last State", status.lastState);
    w.write(2, `Ready:\t${status.ready ? "True" : "False"}\n`);
    w.write(2, `Restart Count:\t${status.restartCount}\n`);
  }
  writeResources(w, "Limits", container.resources?.limits);
  writeResources(w, "Requests", container.resources?.requests);
  const env = container.env ?? [];
  w.write(2, env.length === 0 ? "Environment:\t<none>\n" : "Environment:\n");
  for (const e of env) for (const line of envValue(e)) w.write(3, `${line}\n`);
  const mounts = [...(container.volumeMounts ?? [])].sort((a, b) =>
    byText(a.mountPath, b.mountPath),
  );
  w.write(2, mounts.length === 0 ? "Mounts:\t<none>\n" : "Mounts:\n");
  for (const m of mounts) {
    const flags = [
      m.readOnly ? "ro" : "rw",
      ...(m.subPath ? [`path=${JSON.stringify(m.subPath)}`] : []),
    ];
    w.write(3, `${m.mountPath} from ${m.name} (${flags.join(",")})\n`);
  }
}

/**
 * `Containers:` (or `Init Containers:`) with each container's spec, and for a pod (`statuses`
 * given) its state. `space` indents the section, as in a DaemonSet's `Pod Template:`.
 */
export function writeContainers(
  w: DescribeWriter,
  containers: readonly Container[],
  statuses: readonly ContainerStatus[] | undefined,
  space: string,
  title = "Containers",
): void {
  w.write(0, `${space}${title}:\n`);
  for (const container of containers) {
    const status = statuses?.find((s) => s.name === container.name);
    writeContainer(w, container, status, space ? " " : "");
  }
}

export function writeVolumes(
  w: DescribeWriter,
  volumes: readonly Volume[] | undefined,
  space: string,
): void {
  if (!volumes || volumes.length === 0) {
    w.write(0, `${space}Volumes:\t<none>\n`);
    return;
  }
  w.write(0, `${space}Volumes:\n`);
  for (const volume of volumes) {
    w.write(1, `${space ? " " : ""}${volume.name}:\n`);
    if (volume.hostPath) {
      w.write(2, "Type:\tHostPath (bare host directory volume)\n");
      w.write(2, `Path:\t${volume.hostPath.path}\n`);
      w.write(2, `HostPathType:\t${volume.hostPath.type ?? "<none>"}\n`);
    } else if (volume.emptyDir) {
      w.write(2, "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n");
      w.write(2, `Medium:\t${volume.emptyDir.medium ?? ""}\n`);
      w.write(2, `SizeLimit:\t${volume.emptyDir.sizeLimit ?? "<unset>"}\n`);
    }
  }
}
