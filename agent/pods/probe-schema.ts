// Container probes (liveness, readiness, startup) validated with the API server's rules, with
// Kubernetes' defaults filled in so the agent never guesses them again. A probe handler the
// agent cannot run (grpc) is refused, never dropped: without it the pod would behave differently.
import { z } from "zod";
import { portName, type FormatCheck } from "./field-formats.js";
import { refused } from "./field-policy.js";
import { formatted, nonNegativeInt } from "./schema-kit.js";

export type ProbeKind = "liveness" | "readiness" | "startup";

/** The container field that holds each kind of probe. */
export const PROBE_FIELDS = {
  liveness: "livenessProbe",
  readiness: "readinessProbe",
  startup: "startupProbe",
} as const satisfies Record<ProbeKind, string>;

export const PROBE_DEFAULTS = {
  initialDelaySeconds: 0,
  periodSeconds: 10,
  timeoutSeconds: 1,
  successThreshold: 1,
  failureThreshold: 3,
} as const;

export const HTTP_GET_DEFAULTS = { path: "/", scheme: "HTTP" } as const;

type ProbeTimingField = keyof typeof PROBE_DEFAULTS | "terminationGracePeriodSeconds";

/**
 * A probe's timing with Kubernetes' defaults filled in, where 0 means the default too (but for
 * initialDelaySeconds). The one place they are applied: the schema below, and the agent's probe
 * runner for a spec that did not pass through it.
 */
export function probeTiming(probe: {
  [F in ProbeTimingField]?: number | undefined;
}): Record<keyof typeof PROBE_DEFAULTS, number> & { terminationGracePeriodSeconds?: number } {
  return {
    initialDelaySeconds: probe.initialDelaySeconds ?? PROBE_DEFAULTS.initialDelaySeconds,
    periodSeconds: probe.periodSeconds || PROBE_DEFAULTS.periodSeconds,
    timeoutSeconds: probe.timeoutSeconds || PROBE_DEFAULTS.timeoutSeconds,
    successThreshold: probe.successThreshold || PROBE_DEFAULTS.successThreshold,
    failureThreshold: probe.failureThreshold || PROBE_DEFAULTS.failureThreshold,
    ...(probe.terminationGracePeriodSeconds !== undefined && {
      terminationGracePeriodSeconds: probe.terminationGracePeriodSeconds,
    }),
  };
}

const HANDLERS = ["exec", "httpGet", "tcpSocket"] as const;

const httpHeaderName: FormatCheck = (v) =>
  /^[-A-Za-z0-9]+$/.test(v)
    ? undefined
    : "must be an HTTP header name: letters, digits and '-' only";

/** A port number, or the name of one of the container's ports (checked in the container). */
const probePort = z
  .union([z.number(), z.string()], {
    error: (issue) =>
      issue.input === undefined ? "required" : "must be a port number or a port name",
  })
  .superRefine((port, ctx) => {
    const problem =
      typeof port === "string"
        ? portName(port)
        : Number.isInteger(port) && port >= 1 && port <= 65535
          ? undefined
          : "must be between 1 and 65535";
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

export const execAction = z.strictObject({
  command: z.array(z.string()).min(1, "required"),
});

export const httpGetAction = z
  .strictObject({
    path: z.string().optional(),
    port: probePort,
    host: z.string().optional(),
    scheme: z.enum(["HTTP", "HTTPS"]).optional(),
    httpHeaders: z
      .array(z.strictObject({ name: formatted(httpHeaderName), value: z.string() }))
      .optional(),
  })
  .transform((action) => ({
    ...action,
    // Kubernetes defaults an empty path too, not only a missing one.
    path: action.path || HTTP_GET_DEFAULTS.path,
    scheme: action.scheme ?? HTTP_GET_DEFAULTS.scheme,
  }));

export const tcpSocketAction = z.strictObject({
  port: probePort,
  host: z.string().optional(),
});

function probeSchema(kind: ProbeKind) {
  return z
    .strictObject({
      exec: execAction.optional(),
      httpGet: httpGetAction.optional(),
      tcpSocket: tcpSocketAction.optional(),
      grpc: refused(
        "grpc probes are not supported yet (supported: exec, httpGet, tcpSocket)",
        () => false,
      ),
      initialDelaySeconds: nonNegativeInt.optional(),
      // Kubernetes' defaulting turns 0 into the default for these four, so 0 is accepted too.
      periodSeconds: nonNegativeInt.optional(),
      timeoutSeconds: nonNegativeInt.optional(),
      successThreshold: nonNegativeInt.optional(),
      failureThreshold: nonNegativeInt.optional(),
      // Overrides the pod's grace period when this probe's failure kills the container.
      terminationGracePeriodSeconds: z
        .number()
        .int()
        .refine((n) => n > 0, "must be greater than 0")
        .optional(),
    })
    .superRefine((probe, ctx) => {
      const issue = (message: string, path: string[] = []) =>
        ctx.addIssue({ code: "custom", message, path });
      const set = HANDLERS.filter((h) => probe[h] !== undefined);
      if (set.length === 0) issue(`must set a handler: ${HANDLERS.join(", ")}`);
      for (const extra of set.slice(1)) issue("must set only one handler", [extra]);
      // A liveness or startup probe acts on the first success, so a threshold would mislead.
      const threshold = probe.successThreshold || PROBE_DEFAULTS.successThreshold;
      if (kind !== "readiness" && threshold !== 1) {
        issue(`must be 1 for a ${kind} probe`, ["successThreshold"]);
      }
      // A failed readiness probe never kills the container, so it has no grace period to set.
      if (kind === "readiness" && probe.terminationGracePeriodSeconds !== undefined) {
        issue("must not be set for a readiness probe", ["terminationGracePeriodSeconds"]);
      }
    })
    .transform((probe) => ({
      ...(probe.exec && { exec: probe.exec }),
      ...(probe.httpGet && { httpGet: probe.httpGet }),
      ...(probe.tcpSocket && { tcpSocket: probe.tcpSocket }),
      ...probeTiming(probe),
    }));
}

export const livenessProbeSchema = probeSchema("liveness");
export const readinessProbeSchema = probeSchema("readiness");
export const startupProbeSchema = probeSchema("startup");

type ValidProbe = z.output<typeof livenessProbeSchema>;

interface ProbedContainer {
  ports?: { name?: string | undefined }[] | undefined;
  livenessProbe?: ValidProbe | undefined;
  readinessProbe?: ValidProbe | undefined;
  startupProbe?: ValidProbe | undefined;
}

/** A probe port given by name must name one of the container's own ports. */
export function checkProbePorts(
  c: ProbedContainer,
  issue: (message: string, path: (string | number)[]) => void,
): void {
  const names = new Set((c.ports ?? []).map((p) => p.name).filter((n) => n !== undefined));
  for (const field of Object.values(PROBE_FIELDS)) {
    const probe = c[field];
    for (const handler of ["httpGet", "tcpSocket"] as const) {
      const port = probe?.[handler]?.port;
      // A malformed name is reported by the probe's own schema already.
      if (typeof port === "string" && !portName(port) && !names.has(port)) {
        issue(`no port named ${port} in this container`, [field, handler, "port"]);
      }
    }
  }
}
