// Runs one probe once against one container: resolves where it goes (a named port, the pod's or
// the node's address) and hands it to its handler's runner. Never throws.
import type { Container } from "kubernetes-types/core/v1.js";
import type { ContainerRuntime } from "../runtime/runtime.js";
import { execProbe } from "./exec-probe.js";
import { httpProbe } from "./http-probe.js";
import { failure, type ProbeResult } from "./probe-result.js";
import type { ProbeHandler, ProbePort, ProbeSpec } from "./probe-spec.js";
import { tcpProbe } from "./tcp-probe.js";
import { errorMessage } from "../error-message.js";

export interface ProbeTarget {
  runtime: ContainerRuntime;
  containerId: string;
  /** The container's spec, whose ports give named probe ports their numbers. */
  container: Container;
  /**
   * Where httpGet and tcpSocket probes go when they name no host: the pod's IP, or the node's
   * for a host-network pod. Unset while the container has no address.
   */
  address: string | undefined;
  userAgent: string;
}

export function runProbe(spec: ProbeSpec, target: ProbeTarget): Promise<ProbeResult> {
  return runHandler(spec.handler, spec.timeoutSeconds * 1000, target);
}

/** Runs a probe's or a lifecycle hook's handler once. Never throws. */
export async function runHandler(
  handler: ProbeHandler,
  timeoutMs: number,
  target: ProbeTarget,
): Promise<ProbeResult> {
  try {
    return await dispatch(handler, timeoutMs, target);
  } catch (err) {
    // The runners report every failure they know of; this keeps one they do not from
    // rejecting inside a timer, where it would take the whole agent down.
    return failure(errorMessage(err));
  }
}

async function dispatch(
  handler: ProbeHandler,
  timeoutMs: number,
  target: ProbeTarget,
): Promise<ProbeResult> {
  if (handler.type === "exec") {
    return execProbe(target.runtime, target.containerId, handler.command, timeoutMs);
  }
  const port = resolvePort(handler.port, target.container);
  if (typeof port === "string") return failure(port);
  const host = handler.host || target.address;
  if (host === undefined) return failure("the pod has no IP address to probe");
  if (handler.type === "tcpSocket") return tcpProbe(host, port, timeoutMs);
  return httpProbe({
    scheme: handler.scheme,
    host,
    port,
    path: handler.path,
    headers: handler.headers,
    userAgent: target.userAgent,
    timeoutMs,
  });
}

/** The port number, or why there is none. */
function resolvePort(port: ProbePort, container: Container): number | string {
  if (typeof port === "number") return port;
  const found = container.ports?.find((p) => p.name === port);
  return found ? found.containerPort : `port ${port} not found in container ${container.name}`;
}
