import os from "node:os";
import { mkdir } from "node:fs/promises";
import type { Pod } from "kubernetes-types/core/v1.js";
import type { Logger } from "winston";
import type { AgentConfig } from "./config.js";
import type { DesiredPod } from "./pods/desired-pod.js";
import type { ManifestProblem, NodePodsView } from "./pods/node-pods-view.js";
import type { ContainerRuntime, LogOptions, LogStream } from "./runtime/runtime.js";
import { BackoffTracker } from "./backoff.js";
import { ContainerObserver } from "./observer.js";
import { PodWorker } from "./pod-worker.js";
import { PodVolumes } from "./pod-volumes.js";
import { StaticPodSource } from "./static-source.js";
import { StepExecutor } from "./step-executor.js";
import { RegistryAuthFile } from "./registry-auth.js";
import { detectNodeIP } from "./node-address.js";
import { ENGINE_DEADLINE_MS, withDeadline } from "./deadline.js";
import { startLocalApi } from "./local-api/server.js";
import { localApiSocketPath } from "./local-api/socket-path.js";
import { normalizePolicy } from "../hostpaths/index.js";
import { HubClient } from "./hub-client/hub-client.js";
import { NodeCredentials } from "./hub-client/credentials.js";
import { ProbeManager } from "./probes/index.js";
import { describeNode, type NodeDescription } from "./node-description.js";
import { AgentMetrics } from "./metrics/agent-metrics.js";
import { startMetricsServer, type MetricsServer } from "./metrics/metrics-server.js";
import { NodeMonitor } from "./node/node-monitor.js";
import { NodeSampler } from "./node/node-sampler.js";
import { PodUsageCollector } from "./node/pod-usage.js";
import { ContainerCgroups } from "./node/container-cgroups.js";
import { PodAdmitter } from "./node/pod-admitter.js";
import { nodeResources } from "./node/node-resources.js";
import { errorMessage } from "./error-message.js";

/** Every pod is synced on this period too, whatever the events said (level-triggered). */
const RESYNC_INTERVAL_MS = 10_000;

/**
 * The node agent: sources say what should run, the observer says what runs, and one worker per
 * pod closes the gap. Stopping the agent leaves every container running.
 */
export class Agent implements NodePodsView {
  readonly nodeName: string;
  private readonly workers = new Map<string, PodWorker>();
  private readonly observer: ContainerObserver;
  private readonly staticPods: StaticPodSource;
  private readonly executor: StepExecutor;
  private readonly volumes: PodVolumes;
  private readonly backoff = new BackoffTracker();
  private readonly hostIP: string;
  private desiredByUid = new Map<string, DesiredPod>();
  private resyncTimer?: NodeJS.Timeout;
  private api?: { close(): Promise<void> };
  private readonly hub?: HubClient;
  private readonly probes: ProbeManager;
  private nodeDescription?: NodeDescription;
  private reportTimer?: NodeJS.Timeout;
  private readonly metrics: AgentMetrics;
  private metricsServer?: MetricsServer;
  private readonly sampler: NodeSampler;
  private readonly monitor: NodeMonitor;
  /** Set once the node's size is known; until the first relist every desired pod passes. */
  private admitter?: PodAdmitter;
  /** Static pods not yet synced once since start, and who waits for that. */
  private unsyncedStatic = new Set<string>();
  private staticSyncedWaiters: (() => void)[] = [];

  constructor(
    private readonly config: AgentConfig,
    private readonly runtime: ContainerRuntime,
    private readonly logger: Logger,
  ) {
    this.nodeName = config.nodeName;
    this.hostIP = config.nodeIP ?? detectNodeIP();
    this.metrics = new AgentMetrics({
      pods: () => this.pods(),
      conditions: () => this.monitor.conditions(),
      hubConnected: () => this.hub?.connected() ?? false,
    });
    this.observer = new ContainerObserver(runtime, this.nodeName, logger, {
      relistIntervalMs: config.relistIntervalSeconds * 1000,
      onRelisted: (seconds, ok) => this.metrics.observeRelist(seconds, ok),
    });
    this.staticPods = new StaticPodSource(config.manifests, this.nodeName, logger, () =>
      this.onDesiredChanged(),
    );
    const policy = normalizePolicy({
      allowedRoots: config.allowedHostPaths,
      readOnlyRoots: config.readOnlyHostPaths,
    });
    this.volumes = new PodVolumes(config.stateDir, policy, logger);
    this.executor = new StepExecutor(
      runtime,
      this.volumes,
      this.backoff,
      {
        hostIP: this.hostIP,
        capacity: { cpuCores: os.cpus().length, memoryBytes: os.totalmem() },
      },
      new RegistryAuthFile(config.registryAuthFile),
      logger,
      (step, seconds, ok) => this.metrics.observeStep(step, seconds, ok),
    );
    this.probes = new ProbeManager({
      runtime,
      logger,
      onChange: ({ podUid }) => this.workers.get(podUid)?.requestSync(),
      onResult: (kind, outcome) => this.metrics.countProbe(kind, outcome),
    });
    this.sampler = new NodeSampler(config.dockerDataRoot);
    this.monitor = new NodeMonitor({
      runtimeProblem: () => this.observer.engineProblem(),
      sampler: this.sampler,
      collector: new PodUsageCollector(new ContainerCgroups(), runtime),
      podContainers: () =>
        new Map(this.observer.podUids().map((uid) => [uid, this.observer.containersOf(uid)])),
      thresholds: config.pressureThresholds,
      intervalMs: config.usageIntervalSeconds * 1000,
      logger,
      onConditionsChanged: () => this.hub?.conditionsChanged(),
      onUsage: (usage) => this.hub?.reportUsage(usage),
    });
    if (config.hub) {
      this.hub = new HubClient({
        url: config.hub,
        credentials: new NodeCredentials({
          hubUrl: config.hub,
          ...(config.token === undefined ? {} : { joinToken: config.token }),
          nodeName: this.nodeName,
          stateDir: config.stateDir,
          logger,
        }),
        nodeName: this.nodeName,
        stateDir: config.stateDir,
        logger,
        hello: () => ({
          ...(this.nodeDescription ??
            describeNode(this.hostIP, "unknown", { capacity: {}, allocatable: {} })),
          labels: config.nodeLabels,
          taints: config.nodeTaints,
          runningPodUids: this.observer.podUids(),
        }),
        conditions: () =>
          this.monitor.conditions().map((c) => ({
            type: c.type,
            status: c.status,
            ...(c.reason === undefined ? {} : { reason: c.reason }),
            ...(c.message === undefined ? {} : { message: c.message }),
            ...(c.lastTransitionTime === undefined
              ? {}
              : { lastTransitionTime: c.lastTransitionTime }),
          })),
      });
      this.hub.onChange(() => {
        this.onDesiredChanged();
        this.scheduleReport();
      });
    }
  }

  get socketPath(): string {
    return localApiSocketPath(this.config.stateDir);
  }

  async start(): Promise<void> {
    await mkdir(this.config.stateDir, { recursive: true, mode: 0o700 });
    await this.volumes.enablePinning();
    this.api = await startLocalApi(this.socketPath, this);
    const resources = nodeResources(
      {
        cpus: os.cpus().length,
        memoryBytes: os.totalmem(),
        nodefsBytes: await this.sampler.nodefsBytes(),
        maxPods: this.config.maxPods,
      },
      [this.config.systemReserved, this.config.agentReserved],
      this.config.pressureThresholds,
    );
    this.logger.info("agent starting", {
      node: this.nodeName,
      hostIP: this.hostIP,
      manifests: this.config.manifests,
      stateDir: this.config.stateDir,
      allowedHostPaths: this.config.allowedHostPaths,
      readOnlyHostPaths: this.config.readOnlyHostPaths,
      registryAuthFile: this.config.registryAuthFile,
    });
    // Containers that no source wants are removed only once every source has been read: the
    // manifests dir, and the hub's last pod set as kept on disk (the hub may be away).
    await this.staticPods.start();
    this.refreshDesired();
    this.observer.onPodChanged((uid) => this.onPodChanged(uid));
    await this.observer.start();
    // Admission needs to know which pods already have containers: those keep running.
    this.admitter = new PodAdmitter(resources.allocatableAmounts);
    this.refreshDesired();
    const known = new Set([...this.desiredByUid.keys(), ...this.observer.podUids()]);
    await this.volumes.releaseAllBut(known);
    for (const uid of known) this.workerFor(uid).requestSync();
    this.unsyncedStatic = new Set(
      this.staticPods.pods().flatMap((p) => (this.workers.get(p.uid)?.podView() ? [] : [p.uid])),
    );
    this.resyncTimer = setInterval(() => this.syncAll(), RESYNC_INTERVAL_MS);
    const runtimeVersion = await this.runtime.version().catch(() => "unreachable");
    this.nodeDescription = describeNode(this.hostIP, runtimeVersion, resources);
    this.monitor.start();
    await this.startMetrics();
    await this.hub?.start();
    this.logger.info("agent running", {
      node: this.nodeName,
      pods: this.desiredByUid.size,
      podsWithContainers: this.observer.podUids().length,
      runtime: runtimeVersion,
      hub: this.config.hub ?? "none",
      allocatable: resources.allocatable,
    });
  }

  /** Metrics are an aid: a listener that cannot start is logged and the agent runs on. */
  private async startMetrics(): Promise<void> {
    if (this.config.metricsListen === "") return;
    try {
      this.metricsServer = await startMetricsServer(
        this.config.metricsListen,
        this.metrics,
        this.logger,
      );
    } catch (error) {
      this.logger.error("agent metrics unavailable", {
        listen: this.config.metricsListen,
        error: errorMessage(error),
      });
    }
  }

  /** Stops watching and serving; containers keep running, like a stopped kubelet's. */
  async stop(): Promise<void> {
    clearInterval(this.resyncTimer);
    clearTimeout(this.reportTimer);
    this.monitor.stop();
    await this.metricsServer?.close();
    await this.hub?.stop();
    this.staticPods.stop();
    this.observer.stop();
    for (const w of this.workers.values()) w.stop();
    this.probes.stop();
    await this.api?.close();
  }

  /**
   * Resolves once every static pod known at start has been synced once: its containers created,
   * adopted or found failing. What systemd's READY waits for.
   */
  staticPodsReconciled(): Promise<void> {
    if (this.unsyncedStatic.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.staticSyncedWaiters.push(resolve));
  }

  private markSynced(uid: string): void {
    if (!this.unsyncedStatic.delete(uid) || this.unsyncedStatic.size > 0) return;
    for (const resolve of this.staticSyncedWaiters.splice(0)) resolve();
  }

  /** The node's pods: those with a worker, and those admission rejected (Failed). */
  pods(): Pod[] {
    return [...this.workers.values()]
      .flatMap((w) => {
        const view = w.podView();
        return view ? [view] : [];
      })
      .concat(this.admitter?.rejectedPods() ?? [])
      .sort(byName);
  }

  manifestProblems(): ManifestProblem[] {
    return this.staticPods.problems();
  }

  containerLogs(
    containerId: string,
    opts: LogOptions,
    onChunk: (stream: LogStream, data: Buffer) => void,
  ): Promise<void> {
    return this.runtime.logs(containerId, opts, onChunk);
  }

  private refreshDesired(): void {
    const pods = [...(this.hub?.pods() ?? []), ...this.staticPods.pods()];
    const admitted = this.admitter
      ? this.admitter.filter(pods, new Set(this.observer.podUids()), new Date())
      : pods;
    this.desiredByUid = new Map(admitted.map((p) => [p.uid, p]));
  }

  /** Status goes to the hub shortly after it changes; bursts of worker syncs make one report. */
  private scheduleReport(): void {
    if (!this.hub || this.reportTimer) return;
    this.reportTimer = setTimeout(() => {
      this.reportTimer = undefined;
      // Terminating pods are reported too: the hub learns a pod is gone only when its containers
      // are, so a replacement never starts beside it.
      this.hub?.reportStatuses([...this.pods(), ...(this.hub?.refusedPods() ?? [])]);
    }, 100);
  }

  /**
   * Wakes only the workers this change concerns: waking every one sent the engine a list per pod
   * on the node each time one pod was added, beside that pod's create and start. Workers with no
   * desired pod (removing, or holding containers until every source is read) wake too.
   */
  private onDesiredChanged(): void {
    const before = this.desiredByUid;
    this.refreshDesired();
    for (const [uid, pod] of this.desiredByUid) {
      if (before.get(uid) !== pod) this.workerFor(uid).requestSync();
    }
    for (const [uid, worker] of this.workers) {
      if (!this.desiredByUid.has(uid)) worker.requestSync();
    }
  }

  private syncAll(): void {
    for (const uid of this.desiredByUid.keys()) this.workerFor(uid);
    for (const w of this.workers.values()) w.requestSync();
  }

  private onPodChanged(uid: string): void {
    this.workerFor(uid).requestSync();
    // A pod that waits for its predecessor (same name, older uid) learns here that it is gone.
    const changed = this.desiredByUid.get(uid) ?? this.observer.containersOf(uid)[0];
    if (!changed) return;
    for (const [otherUid, pod] of this.desiredByUid) {
      if (
        otherUid !== uid &&
        pod.name === podNameOf(changed) &&
        pod.namespace === changed.namespace
      ) {
        this.workers.get(otherUid)?.requestSync();
      }
    }
  }

  private workerFor(uid: string): PodWorker {
    let worker = this.workers.get(uid);
    if (!worker) {
      worker = new PodWorker(uid, {
        node: this.nodeName,
        hostIP: this.hostIP,
        logger: this.logger,
        backoff: this.backoff,
        executor: this.executor,
        probes: this.probes,
        cache: this.observer.cache,
        listContainers: (podUid) =>
          withDeadline(this.runtime.list({ node: this.nodeName, podUid }), ENGINE_DEADLINE_MS),
        desired: (podUid) => this.desiredByUid.get(podUid),
        mayRemove: () => this.staticPods.podSetKnown() && (this.hub?.podSetKnown() ?? true),
        hasPredecessor: (pod) => this.hasPredecessor(pod),
        onFinished: (podUid) => {
          this.workers.delete(podUid);
          this.markSynced(podUid);
          this.hub?.reportGone(podUid);
          this.scheduleReport();
        },
        onViewUpdated: () => {
          this.markSynced(uid);
          this.scheduleReport();
        },
      });
      this.workers.set(uid, worker);
    }
    return worker;
  }

  private hasPredecessor(pod: DesiredPod): boolean {
    return this.observer.podUids().some((uid) => {
      if (uid === pod.uid) return false;
      const [c] = this.observer.containersOf(uid);
      return c !== undefined && c.podName === pod.name && c.namespace === pod.namespace;
    });
  }
}

function podNameOf(p: DesiredPod | { podName: string }): string {
  return "podName" in p ? p.podName : p.name;
}

/**
 * Code-unit order, as the API server lists: pod names are ASCII. localeCompare would load ICU's
 * collation data into every agent (≈ 2 MB of RSS) on its first status report.
 */
function byName(a: Pod, b: Pod): number {
  const [left, right] = [a.metadata?.name ?? "", b.metadata?.name ?? ""];
  return left < right ? -1 : left > right ? 1 : 0;
}
