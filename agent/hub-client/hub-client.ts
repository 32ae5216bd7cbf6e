// The agent's link to its hub: the hub-assigned pods as a pod source (kept on disk, so they
// survive an agent restart without a hub), pod status back as deltas, heartbeats, and a
// reconnect loop with jittered exponential back-off.
import { join } from "node:path";
import type { Pod } from "kubernetes-types/core/v1.js";
import type { Logger } from "winston";
import { HubAgentCodec } from "../../proto/hub-agent-codec.js";
import {
  PROTOCOL_VERSION,
  isProtocolError,
  type AgentHello,
  type HeartbeatCondition,
  type UsageReport,
} from "../../proto/hub-agent-frames.js";
import { UsageReporter } from "../node/usage-reporter.js";
import { ConfigError } from "../config.js";
import { podObjectMeta, type DesiredPod } from "../pods/desired-pod.js";
import { AssignedPodSet } from "./assigned-pods.js";
import { ASSIGNED_PODS_FILE, loadAssignedPods, saveAssignedPods } from "./assigned-pods-file.js";
import { HubConnection, type ConnectionEnd } from "./hub-connection.js";
import { JoinError, type CredentialSource } from "./credentials.js";
import {
  DEFAULT_RECONNECT_POLICY,
  ReconnectBackoff,
  isRefused,
  type ReconnectPolicy,
} from "./reconnect-backoff.js";
import { StatusReporter, type StatusReport } from "./status-reporter.js";
import { errorMessage } from "../error-message.js";

/** What the agent says about its node in each Hello; the client adds the rest. */
export type AgentDescription = Omit<
  AgentHello,
  "protocolVersion" | "nodeName" | "lastAppliedVersion"
>;

export interface HubClientOptions {
  /** ws://HOST:PORT or wss://HOST:PORT; the path defaults to /agent. */
  url: string;
  /** This node's credential (joining first if it has none). */
  credentials: CredentialSource;
  nodeName: string;
  /** assigned-pods.json is kept here. */
  stateDir: string;
  logger: Logger;
  /** Called at each connect, so the hub learns the node as it is then. */
  hello: () => AgentDescription;
  /** The node conditions sent with every heartbeat; none by default. */
  conditions?: () => HeartbeatCondition[];
  /** Largest frame accepted from the hub; 4 MiB by default, as the hub's. */
  maxFrameBytes?: number;
  reconnect?: Partial<ReconnectPolicy>;
}

const DEFAULT_MAX_FRAME_BYTES = 4 * 1024 * 1024;
/** Every pod's status is sent again on this period, whatever changed (a slow resync). */
const STATUS_RESYNC_INTERVAL_MS = 60_000;

export class HubClient {
  private readonly url: string;
  private readonly file: string;
  private readonly codec = new HubAgentCodec();
  private readonly assigned: AssignedPodSet;
  private readonly reporter = new StatusReporter();
  private readonly usage = new UsageReporter();
  /** The next usage report to this session's hub must carry every pod. */
  private usageFull = true;
  private readonly backoff: ReconnectBackoff;
  private readonly listeners = new Set<() => void>();
  private connection?: HubConnection;
  private running = false;
  private retryTimer?: NodeJS.Timeout;
  private resyncTimer?: NodeJS.Timeout;
  /** Writes of assigned-pods.json, one after another, so the last set written is the newest. */
  private saving: Promise<void> = Promise.resolve();
  /**
   * False while the node does not know its hub pods: the saved set could not be read and no
   * snapshot has come yet. Until then the agent must not remove containers nobody claims.
   */
  private known = true;
  /** Failures in a row, so an unreachable hub is logged once as a warning and then quietly. */
  private failures = 0;

  /** Loads the persisted pod set; throws ConfigError for a URL that is not ws:// or wss://. */
  constructor(private readonly opts: HubClientOptions) {
    this.url = agentUrl(opts.url);
    this.file = join(opts.stateDir, ASSIGNED_PODS_FILE);
    this.backoff = new ReconnectBackoff({ ...DEFAULT_RECONNECT_POLICY, ...opts.reconnect });
    this.assigned = new AssignedPodSet(opts.nodeName, opts.logger);
    this.loadPersisted();
  }

  /** Connects in the background and keeps reconnecting until stop(); resolves at once. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.resyncTimer = setInterval(() => this.resyncStatus(), STATUS_RESYNC_INTERVAL_MS);
    this.connect();
  }

  /** Closes the connection and waits for the pod set to be on disk. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.retryTimer);
    clearInterval(this.resyncTimer);
    await this.connection?.close();
    await this.saving;
  }

  /** The hub's pod set is known (from disk or from the hub): absence from it means "remove". */
  podSetKnown(): boolean {
    return this.known;
  }

  connected(): boolean {
    return this.connection?.established ?? false;
  }

  /** The hub-assigned pods that passed validation on this node. */
  pods(): DesiredPod[] {
    return this.assigned.pods();
  }

  /** Called after the hub-assigned pod set has changed; returns the unsubscribe. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * The node's pods as the agent sees them now (hub-assigned ones and static mirrors). Sends the
   * ones that changed since the hub last heard of them, and the uids of those gone.
   */
  reportStatuses(pods: Pod[]): void {
    this.reporter.observe(pods);
    this.flushStatus();
  }

  /** The node's conditions changed: the hub hears them now rather than at the next heartbeat. */
  conditionsChanged(): void {
    this.connection?.heartbeatNow();
  }

  /**
   * A usage sample: the node's figures, and the pods' whose figures moved since the hub last
   * heard them (all of them for a new session). Dropped for a hub that does not take usage.
   */
  reportUsage(sample: Omit<UsageReport, "goneUids" | "full">): void {
    const connection = this.connection;
    if (!connection?.established || !connection.features.has("usage")) return;
    const full = this.usageFull;
    const { pods, goneUids } = this.usage.changes(sample.pods, full);
    connection.send({ kind: "usage", usage: { ...sample, pods, goneUids, full } });
    this.usageFull = false;
  }

  /** A pod the node no longer has (its worker finished): reported even if it never ran. */
  reportGone(uid: string): void {
    this.reporter.gone(uid);
    this.flushStatus();
  }

  /**
   * The pods this node refused, shaped as Pending pods with the reason, so `get pods` on the hub
   * says why they do not run rather than showing them Pending with no word.
   */
  refusedPods(): Pod[] {
    return this.assigned.refused().map(({ pod, problem }) => ({
      apiVersion: "v1",
      kind: "Pod",
      metadata: podObjectMeta(pod),
      status: { phase: "Pending", reason: "PodRefused", message: problem },
    }));
  }

  private flushStatus(): void {
    if (!this.connection?.established) return;
    const changes = this.reporter.changes();
    if (changes) this.sendStatus(this.connection, changes);
  }

  private loadPersisted(): void {
    try {
      const state = loadAssignedPods(this.file);
      if (state === undefined) return;
      this.assigned.replace(state.version, state.pods);
      this.opts.logger.info("loaded the pods last assigned by the hub", {
        file: this.file,
        version: state.version,
        pods: state.pods.length,
      });
    } catch (error) {
      // Without the file the node does not know its hub pods until the hub is back: it keeps
      // every container it has meanwhile, and says so plainly.
      this.known = false;
      this.opts.logger.error(
        "cannot load the pods last assigned by the hub; keeping all containers until the hub answers",
        {
          error: errorMessage(error),
        },
      );
    }
  }

  private connect(): void {
    this.opts.credentials.get().then(
      (credentials) => {
        if (this.running) this.open(credentials.bearer, credentials.ca);
      },
      (error: unknown) => this.onJoinFailed(error),
    );
  }

  private onJoinFailed(error: unknown): void {
    if (!this.running) return;
    const retry = !(error instanceof JoinError) || error.retry;
    this.failures++;
    const log = retry && this.failures > 1 ? "debug" : "error";
    this.opts.logger[log]("cannot join the hub; running static pods and the last assigned ones", {
      url: this.url,
      error: errorMessage(error),
    });
    this.backoff.connectionEnded({ lastedMs: 0 });
    this.retryTimer = setTimeout(() => this.connect(), this.backoff.nextDelayMs());
  }

  private open(bearer: string, ca: string | undefined): void {
    const { logger } = this.opts;
    const settings = {
      url: this.url,
      bearer,
      ...(ca === undefined ? {} : { ca }),
      codec: this.codec,
      logger,
      maxFrameBytes: this.opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
    };
    this.connection = new HubConnection(settings, {
      hello: () => ({
        ...this.opts.hello(),
        protocolVersion: PROTOCOL_VERSION,
        nodeName: this.opts.nodeName,
        lastAppliedVersion: this.assigned.version,
      }),
      conditions: () => this.opts.conditions?.() ?? [],
      welcomed: () => this.onWelcomed(),
      snapshot: (version, pods) => {
        const changed = this.assigned.replace(version, pods);
        const wasKnown = this.known;
        this.known = true;
        return this.applied(version, changed || !wasKnown);
      },
      delta: (version, upserts, removed) =>
        this.applied(version, this.assigned.apply(version, upserts, removed)),
      closed: (end) => this.onClosed(end),
    });
  }

  private onWelcomed(): void {
    this.failures = 0;
    this.opts.logger.info("connected to the hub", { url: this.url });
    this.usage.reset();
    this.usageFull = true;
    // The hub resets the node's Ready condition on connect: tell it the node's own at once.
    this.connection?.heartbeatNow();
    this.resyncStatus();
  }

  /** Every pod again: the hub may have restarted and lost track, or missed what went meanwhile. */
  private resyncStatus(): void {
    if (this.connection?.established) this.sendStatus(this.connection, this.reporter.everything());
  }

  private sendStatus(connection: HubConnection, report: StatusReport): void {
    connection.send({ kind: "podStatus", pods: report.pods, goneUids: report.goneUids });
  }

  /** Stores the new set, tells the listeners if it changed; true once it is on disk. */
  private applied(version: number, changed: boolean): Promise<boolean> {
    for (const uid of this.assigned.takeRemovedRefused()) this.reporter.gone(uid);
    if (changed) {
      for (const listener of this.listeners) {
        try {
          listener();
        } catch (error) {
          this.opts.logger.error("a hub pod listener failed", { error: String(error) });
        }
      }
    }
    const state = this.assigned.state();
    const stored = this.saving
      .then(() => saveAssignedPods(this.file, state))
      .then(
        () => true,
        (error: unknown) => {
          this.opts.logger.error("cannot store the pods assigned by the hub", {
            file: this.file,
            version,
            error: String(error),
          });
          return false;
        },
      );
    this.saving = stored.then(() => undefined);
    return stored;
  }

  private onClosed(end: ConnectionEnd): void {
    this.connection = undefined;
    if (!this.running) return;
    this.logEnd(end);
    this.backoff.connectionEnded({ lastedMs: end.lastedMs, refused: isRefused(end.failure) });
    const delayMs = this.backoff.nextDelayMs();
    this.opts.logger.debug("reconnecting to the hub", { url: this.url, delayMs });
    this.retryTimer = setTimeout(() => this.connect(), delayMs);
  }

  private logEnd({ refusal, failure, lastedMs }: ConnectionEnd): void {
    const { logger } = this.opts;
    this.failures++;
    if (refusal?.code === "Replaced") {
      logger.warn(
        "the hub handed this node's session to another connection; do two agents share the node name?",
        {
          node: this.opts.nodeName,
          reason: refusal.message,
        },
      );
    } else if (refusal) {
      // A bad token or version is an operator's to fix; the agent keeps trying meanwhile.
      logger.error("the hub refused this agent", {
        url: this.url,
        code: refusal.code,
        reason: refusal.message,
      });
    } else if (isProtocolError(failure)) {
      logger.error("the hub broke the agent protocol; reconnecting", {
        url: this.url,
        code: failure.code,
        reason: failure.message,
      });
    } else if (lastedMs > 0) {
      logger.warn("lost the connection to the hub; running the pods it last assigned", {
        url: this.url,
        error: failure?.message,
      });
    } else if (this.failures === 1) {
      logger.warn("cannot reach the hub; running the pods it last assigned meanwhile", {
        url: this.url,
        error: failure?.message,
      });
    } else {
      logger.debug("hub still unreachable", { url: this.url, error: failure?.message });
    }
  }
}

function agentUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`hub URL ${JSON.stringify(url)} is not a URL; expected ws://HOST:PORT`);
  }
  if (parsed.protocol !== "ws:" && parsed.protocol !== "wss:") {
    throw new ConfigError(`hub URL ${url}: expected ws:// or wss://, not ${parsed.protocol}//`);
  }
  if (parsed.pathname === "/") parsed.pathname = "/agent";
  return parsed.toString();
}
