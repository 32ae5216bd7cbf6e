// Runs the probes of every running container on the node, like the kubelet's prober manager:
// one loop per container and probe kind, keyed by container id so a restarted container starts
// afresh, with a node-wide bound on probes in flight. It only observes and reports; acting on
// a result (restarting, marking a pod ready) is the pod worker's business.
import type { Container } from "kubernetes-types/core/v1.js";
import type { Logger } from "winston";
import { packageVersion } from "../../cli/package-version.js";
import type { ContainerRuntime } from "../runtime/runtime.js";
import { ContainerProbeState, type ProbeStatus } from "./container-probes.js";
import { ProbeClock } from "./probe-clock.js";
import { ProbeLoop } from "./probe-loop.js";
import type { ProbeResult } from "./probe-result.js";
import { containerProbes, type ProbeKind, type ProbeSpec } from "./probe-spec.js";
import { runProbe, type ProbeTarget } from "./run-probe.js";
import { Semaphore } from "./semaphore.js";

/** A running container to probe, as the pod worker sees it. */
export interface ProbedContainer {
  containerName: string;
  containerId: string;
  startedAt: Date;
  /** The container's spec: its probes, and its ports for probes that name one. */
  spec: Container;
  /** The pod's address on the engine's network; unset for host networking or before it has one. */
  podIP: string | undefined;
  hostIP: string;
  hostNetwork: boolean;
}

export interface ProbeKey {
  podUid: string;
  containerName: string;
}

export interface ProbeManagerOptions {
  runtime: ContainerRuntime;
  logger: Logger;
  /** Probes in flight at once across the node; the others wait for a slot. */
  maxConcurrent?: number;
  /** A container's ready, started or livenessFailed changed; read it with `status`. */
  onChange: (key: ProbeKey) => void;
  /** Every probe run's outcome, for the agent's metrics. */
  onResult?: (kind: ProbeKind, outcome: ProbeResult["outcome"]) => void;
}

interface Watched {
  containerId: string;
  state: ContainerProbeState;
  target: ProbeTarget;
  loops: Map<ProbeKind, ProbeLoop>;
  stopped: boolean;
}

/** What `status` reports for a container it is not watching: not running, so neither. */
const UNWATCHED: ProbeStatus = { ready: false, started: false };

export class ProbeManager {
  private readonly pods = new Map<string, Map<string, Watched>>();
  private readonly slots: Semaphore;
  /** The loops' one timer: probes due in the same second run on the same wake. */
  private readonly clock = new ProbeClock();
  private readonly createdAt = Date.now();
  private readonly userAgent = `daemonlet-probe/${packageVersion()}`;
  private readonly runtime: ContainerRuntime;
  private readonly logger: Logger;
  private readonly onChange: (key: ProbeKey) => void;
  private readonly onResult: NonNullable<ProbeManagerOptions["onResult"]>;
  private stopped = false;

  constructor({ runtime, logger, maxConcurrent = 10, onChange, onResult }: ProbeManagerOptions) {
    this.runtime = runtime;
    this.logger = logger;
    this.onChange = onChange;
    this.onResult = onResult ?? (() => {});
    this.slots = new Semaphore(maxConcurrent);
  }

  /**
   * The pod's running containers, all of them (those without probes are ready once running):
   * loops start for containers not seen before and stop for those no longer given. A container
   * given under a new id (restarted) starts over: started, ready and liveness forgotten.
   */
  sync(podUid: string, containers: readonly ProbedContainer[]): void {
    if (this.stopped) return;
    const before = this.pods.get(podUid) ?? new Map<string, Watched>();
    const after = new Map<string, Watched>();
    for (const c of containers) {
      const existing = before.get(c.containerName);
      if (existing?.containerId === c.containerId) {
        existing.target.address = addressOf(c);
        after.set(c.containerName, existing);
      } else {
        after.set(c.containerName, this.watch(podUid, c));
      }
    }
    for (const [name, watched] of before) {
      if (after.get(name) !== watched) unwatch(watched);
    }
    if (after.size > 0) this.pods.set(podUid, after);
    else this.pods.delete(podUid);
  }

  /** For the container last given to `sync` under this name. */
  status(podUid: string, containerName: string): ProbeStatus {
    return this.pods.get(podUid)?.get(containerName)?.state.status() ?? UNWATCHED;
  }

  stop(): void {
    this.stopped = true;
    for (const containers of this.pods.values()) {
      for (const watched of containers.values()) unwatch(watched);
    }
    this.pods.clear();
  }

  private watch(podUid: string, c: ProbedContainer): Watched {
    const specs = containerProbes(c.spec);
    const watched: Watched = {
      containerId: c.containerId,
      state: new ContainerProbeState(specs, c.startedAt),
      target: {
        runtime: this.runtime,
        containerId: c.containerId,
        container: c.spec,
        address: addressOf(c),
        userAgent: this.userAgent,
      },
      loops: new Map(),
      stopped: false,
    };
    const key = { podUid, containerName: c.containerName };
    for (const spec of specs) {
      const loop = new ProbeLoop(spec.periodSeconds * 1000, this.clock, () =>
        this.runOnce(key, watched, spec),
      );
      watched.loops.set(spec.kind, loop);
      loop.start(this.firstDelayMs(watched, spec));
    }
    return watched;
  }

  /**
   * The first run waits for the initial delay. When that has passed already (a container
   * adopted by a restarted agent), a fresh manager spreads the first runs over one period, as
   * the kubelet does, rather than probing every container on the node at the same instant. The
   * probe clock runs on whole-second slots, so probes with a 1 s period all start in one slot.
   */
  private firstDelayMs(watched: Watched, spec: ProbeSpec): number {
    const periodMs = spec.periodSeconds * 1000;
    const due = (watched.state.firstRunAt(spec.kind)?.getTime() ?? 0) - Date.now();
    if (due > 0) return due;
    return Date.now() - this.createdAt < periodMs ? Math.random() * periodMs : 0;
  }

  private async runOnce(key: ProbeKey, watched: Watched, spec: ProbeSpec): Promise<void> {
    if (!watched.state.shouldRun(spec.kind, new Date())) return;
    let result: ProbeResult;
    const release = await this.slots.acquire();
    try {
      // The container may have gone, or the rules changed, while this run waited for a slot.
      if (watched.stopped || !watched.state.shouldRun(spec.kind, new Date())) return;
      result = await runProbe(spec, watched.target);
    } finally {
      release();
    }
    if (!watched.stopped) this.record(key, watched, spec.kind, result);
  }

  private record(key: ProbeKey, watched: Watched, kind: ProbeKind, result: ProbeResult): void {
    const fields = { ...key, containerId: watched.containerId, probe: kind };
    this.onResult(kind, result.outcome);
    if (result.outcome === "failure") {
      this.logger.debug("probe failed", { ...fields, message: result.message });
    }
    if (!watched.state.record(kind, result)) return;
    const status = watched.state.status();
    this.logger.info("container probe status changed", {
      ...fields,
      ready: status.ready,
      started: status.started,
      ...(status.livenessFailed && { livenessFailed: status.livenessFailed.message }),
    });
    // As the kubelet does: once started, learn readiness now rather than a period later.
    if (kind === "startup" && status.started) watched.loops.get("readiness")?.trigger();
    try {
      this.onChange(key);
    } catch (err) {
      this.logger.error("probe status listener failed", { ...fields, error: String(err) });
    }
  }
}

function unwatch(watched: Watched): void {
  watched.stopped = true;
  for (const loop of watched.loops.values()) loop.stop();
}

function addressOf(c: ProbedContainer): string | undefined {
  return c.hostNetwork ? c.hostIP : c.podIP;
}
