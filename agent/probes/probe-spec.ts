// A container's probes as the agent runs them: one handler each, every default filled in. The
// manifest schema has filled the defaults already; this applies the schema's own probeTiming, so
// a spec that did not pass through it (a test, an adopted pod) behaves the same.
import type { Container, Probe } from "kubernetes-types/core/v1.js";
import {
  HTTP_GET_DEFAULTS,
  PROBE_FIELDS,
  probeTiming,
  type ProbeKind,
} from "../pods/probe-schema.js";

export type { ProbeKind } from "../pods/probe-schema.js";

/** A port number, or the name of one of the container's ports. */
export type ProbePort = number | string;

export type ProbeHandler =
  | { type: "exec"; command: string[] }
  | {
      type: "httpGet";
      scheme: "HTTP" | "HTTPS";
      host?: string;
      port: ProbePort;
      path: string;
      headers: { name: string; value: string }[];
    }
  | { type: "tcpSocket"; host?: string; port: ProbePort };

export interface ProbeSpec {
  kind: ProbeKind;
  handler: ProbeHandler;
  initialDelaySeconds: number;
  periodSeconds: number;
  timeoutSeconds: number;
  successThreshold: number;
  failureThreshold: number;
  /** Overrides the pod's grace period when this probe's failure kills the container. */
  terminationGracePeriodSeconds?: number;
}

const KINDS: readonly ProbeKind[] = ["startup", "liveness", "readiness"];

export function containerProbes(container: Container): ProbeSpec[] {
  return KINDS.flatMap((kind) => {
    const probe = container[PROBE_FIELDS[kind]];
    const handler = probe && handlerOf(probe);
    return probe && handler ? [toSpec(kind, probe, handler)] : [];
  });
}

function toSpec(kind: ProbeKind, probe: Probe, handler: ProbeHandler): ProbeSpec {
  return { kind, handler, ...probeTiming(probe) };
}

/**
 * The handler of a probe or of a lifecycle hook (they share exec, httpGet and tcpSocket).
 * Undefined only for handlers the manifest schema refuses (grpc) or when none is set.
 */
export function handlerOf(
  probe: Pick<Probe, "exec" | "httpGet" | "tcpSocket">,
): ProbeHandler | undefined {
  if (probe.exec) return { type: "exec", command: probe.exec.command ?? [] };
  if (probe.httpGet) {
    const { host, port, path, scheme, httpHeaders } = probe.httpGet;
    return {
      type: "httpGet",
      scheme: scheme === "HTTPS" ? "HTTPS" : HTTP_GET_DEFAULTS.scheme,
      ...(host && { host }),
      port,
      path: path || HTTP_GET_DEFAULTS.path,
      headers: httpHeaders ?? [],
    };
  }
  if (probe.tcpSocket) {
    const { host, port } = probe.tcpSocket;
    return { type: "tcpSocket", ...(host && { host }), port };
  }
  return undefined;
}
