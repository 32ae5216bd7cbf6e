// The probes of one running container together, with the kubelet's rules between them: the
// startup probe holds the others until it succeeds and is not run again after; readiness gates
// `ready`; a liveness or startup failure asks for a restart and stops both from running again
// for this container (the restarted container starts afresh). Pure: the caller passes the time.
import type { ProbeResult } from "./probe-result.js";
import type { ProbeKind, ProbeSpec } from "./probe-spec.js";
import { ProbeTracker } from "./probe-tracker.js";

export interface ProbeStatus {
  /** Kubernetes' `containerStatuses[].ready`: started, and the readiness probe (if any) passes. */
  ready: boolean;
  /** Kubernetes' `containerStatuses[].started`: the startup probe (if any) has passed. */
  started: boolean;
  /** Set once a liveness or startup probe has failed `failureThreshold` times in a row. */
  livenessFailed?: LivenessFailure;
}

export interface LivenessFailure {
  probe: "liveness" | "startup";
  /** As the kubelet's event says it, e.g. `Liveness probe failed: HTTP probe failed with statuscode: 500`. */
  message: string;
  /** The probe's own terminationGracePeriodSeconds, to use instead of the pod's when set. */
  gracePeriodSeconds?: number;
}

/** Before any probe ran: a liveness probe counts as passing, a readiness probe as failing. */
const INITIAL = { liveness: "success", readiness: "failure", startup: undefined } as const;

const TITLE: Record<ProbeKind, string> = {
  liveness: "Liveness",
  readiness: "Readiness",
  startup: "Startup",
};

interface Entry {
  spec: ProbeSpec;
  tracker: ProbeTracker;
}

export class ContainerProbeState {
  private readonly probes = new Map<ProbeKind, Entry>();

  constructor(
    specs: readonly ProbeSpec[],
    private readonly startedAt: Date,
  ) {
    for (const spec of specs) {
      this.probes.set(spec.kind, { spec, tracker: new ProbeTracker(spec, INITIAL[spec.kind]) });
    }
  }

  /** The probe's initial delay counts from the container's start, not from the agent's. */
  firstRunAt(kind: ProbeKind): Date | undefined {
    const entry = this.probes.get(kind);
    if (!entry) return undefined;
    return new Date(this.startedAt.getTime() + entry.spec.initialDelaySeconds * 1000);
  }

  /** Whether a run of this probe now would count; runs that would not are skipped. */
  shouldRun(kind: ProbeKind, now: Date): boolean {
    const first = this.firstRunAt(kind);
    if (first === undefined || now < first) return false;
    if (kind === "readiness") return this.started();
    if (this.livenessFailure() !== undefined) return false;
    return kind === "startup" ? !this.started() : this.started();
  }

  /** Counts one run; true when `status()` changed in ready, started or livenessFailed. */
  record(kind: ProbeKind, result: ProbeResult): boolean {
    const before = this.status();
    if (!this.probes.get(kind)?.tracker.record(result)) return false;
    const after = this.status();
    return (
      before.ready !== after.ready ||
      before.started !== after.started ||
      (before.livenessFailed === undefined) !== (after.livenessFailed === undefined)
    );
  }

  status(): ProbeStatus {
    const started = this.started();
    const readiness = this.probes.get("readiness");
    const ready = started && (readiness === undefined || readiness.tracker.result === "success");
    const livenessFailed = this.livenessFailure();
    return { ready, started, ...(livenessFailed && { livenessFailed }) };
  }

  private started(): boolean {
    const startup = this.probes.get("startup");
    return startup === undefined || startup.tracker.result === "success";
  }

  private livenessFailure(): LivenessFailure | undefined {
    for (const probe of ["startup", "liveness"] as const) {
      const entry = this.probes.get(probe);
      if (entry?.tracker.result !== "failure") continue;
      const grace = entry.spec.terminationGracePeriodSeconds;
      return {
        probe,
        message: `${TITLE[probe]} probe failed: ${entry.tracker.lastMessage}`,
        ...(grace !== undefined && { gracePeriodSeconds: grace }),
      };
    }
    return undefined;
  }
}
