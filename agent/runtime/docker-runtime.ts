// ContainerRuntime on the local Docker engine's HTTP API. Everything Docker-specific (paths,
// field names, status codes, stream formats, error shapes) stays in this file and the two
// beside it (docker-exec.ts, engine-client.ts).
import type { IncomingMessage } from "node:http";
import { finished } from "node:stream/promises";
import { dockerExec } from "./docker-exec.js";
import { demuxer, EngineClient, isRecord, jsonLines, type EngineRequest } from "./engine-client.js";
import { ExecExits, exitCodeAttribute } from "./exec-exits.js";
import { LABEL } from "./labels.js";
import type {
  ContainerStats,
  ContainerRunState,
  ContainerRuntime,
  ContainerSpec,
  ExecResult,
  ListFilter,
  LogOptions,
  LogStream,
  ObservedContainer,
  PullProgress,
  RegistryCredentials,
  RuntimeEvent,
} from "./runtime.js";
import {
  ContainerNotFoundError,
  ImageNotFoundError,
  ImagePullError,
  RuntimeError,
  RuntimeUnavailableError,
} from "./runtime-errors.js";
import { errorMessage } from "../error-message.js";

const DEFAULT_SOCKET = "/var/run/docker.sock";
// Socket errors that mean "no engine here right now", as opposed to an engine saying no.
const UNAVAILABLE_CODES = new Set(["ECONNREFUSED", "ENOENT", "ECONNRESET", "EPIPE", "EACCES"]);
const RUN_STATES: readonly string[] = [
  "created",
  "running",
  "paused",
  "restarting",
  "exited",
  "dead",
] satisfies ContainerRunState[];

type OurLabels = Pick<
  ObservedContainer,
  | "podUid"
  | "podName"
  | "namespace"
  | "containerName"
  | "node"
  | "specHash"
  | "attempt"
  | "gracePeriodSeconds"
>;

// The parts of the engine's answers this file reads.
interface ContainerSummary {
  Id: string;
  State: string;
  Status: string;
  Labels: Record<string, string> | null;
}

interface ContainerInspect {
  Id: string;
  Name: string;
  Created: string;
  Image: string;
  Config: { Image: string; Labels: Record<string, string> | null; Tty: boolean };
  State: {
    Status: string;
    Error: string;
    ExitCode: number;
    OOMKilled: boolean;
    StartedAt: string;
    FinishedAt: string;
  };
  NetworkSettings?: { Networks?: Record<string, { IPAddress: string }> | null };
}

interface RawStats {
  cpu_stats: { cpu_usage: { total_usage: number } };
  memory_stats: { usage?: number; stats?: Record<string, number> };
}

interface CacheEntry {
  /** The list's state when this was inspected (summaryStamp); any change means re-inspect. */
  stamp: string;
  node: string;
  podUid: string;
  observed: ObservedContainer | undefined;
}

export class DockerRuntime implements ContainerRuntime {
  private readonly engine: EngineClient;
  private readonly socketPath: string;
  private readonly inspected = new Map<string, CacheEntry>();
  /** Exec exit codes from the event stream (events()), which exec() waits on. */
  private readonly execExits = new ExecExits();

  constructor(opts: { socketPath?: string } = {}) {
    this.socketPath = opts.socketPath ?? DEFAULT_SOCKET;
    this.engine = new EngineClient(this.socketPath);
  }

  async version(): Promise<string> {
    const v = await this.call("version", () =>
      this.engine.json<{ Version: string }>({ method: "GET", path: "/version" }),
    );
    return `docker://${v.Version}`;
  }

  /** `one-shot` skips the engine's second reading, which otherwise costs a second per call. */
  async stats(id: string): Promise<ContainerStats | undefined> {
    let raw: RawStats;
    try {
      raw = await this.engine.json<RawStats>({
        method: "GET",
        path: `${containerPath(id)}/stats`,
        query: { stream: false, "one-shot": true },
      });
    } catch (e) {
      if (statusOf(e) === 404) return undefined;
      throw this.toError(e, `stats ${id}`);
    }
    const memory = raw.memory_stats;
    const inactive = memory.stats?.["total_inactive_file"] ?? memory.stats?.["inactive_file"] ?? 0;
    return {
      cpuNanos: raw.cpu_stats.cpu_usage.total_usage,
      memoryWorkingSetBytes: Math.max(0, (memory.usage ?? 0) - inactive),
    };
  }

  async list(filter: ListFilter): Promise<ObservedContainer[]> {
    const label = [`${LABEL.node}=${filter.node}`];
    if (filter.podUid !== undefined) label.push(`${LABEL.podUid}=${filter.podUid}`);
    const infos = await this.call("list containers", () =>
      this.engine.json<ContainerSummary[]>({
        method: "GET",
        path: "/containers/json",
        query: { all: true, filters: { label } },
      }),
    );
    const seen = new Set(infos.map((i) => i.Id));
    const observed = await Promise.all(
      infos.map(async (info): Promise<ObservedContainer | undefined> => {
        const labels = parseLabels(info.Labels);
        if (labels === undefined || labels.node !== filter.node) return undefined;
        const stamp = summaryStamp(info);
        const cached = this.inspected.get(info.Id);
        if (cached?.stamp === stamp) return cached.observed;
        const raw = await this.inspectRaw(info.Id);
        if (raw === undefined) return undefined; // removed since the list
        const entry = {
          stamp,
          node: labels.node,
          podUid: labels.podUid,
          observed: fromInspect(raw),
        };
        this.inspected.set(info.Id, entry);
        return entry.observed;
      }),
    );
    // Evict only within the scope this list covered, so a per-pod list keeps other pods' entries.
    for (const [id, e] of this.inspected) {
      const inScope = e.node === filter.node && (!filter.podUid || e.podUid === filter.podUid);
      if (inScope && !seen.has(id)) this.inspected.delete(id);
    }
    return observed.filter((o): o is ObservedContainer => o !== undefined);
  }

  async inspect(id: string): Promise<ObservedContainer | undefined> {
    const raw = await this.inspectRaw(id);
    if (raw === undefined) {
      this.inspected.delete(id);
      return undefined;
    }
    const observed = fromInspect(raw);
    if (observed === undefined && raw.State?.Status !== "removing") {
      throw new RuntimeError(`container ${id} has no valid daemonlet labels`, {
        operation: `inspect ${id}`,
      });
    }
    return observed;
  }

  async imagePresent(ref: string): Promise<boolean> {
    try {
      await this.engine.json({ method: "GET", path: `/images/${ref}/json` });
      return true;
    } catch (e) {
      if (statusOf(e) === 404) return false;
      throw this.toError(e, `inspect image ${ref}`);
    }
  }

  async pullImage(
    ref: string,
    onProgress: (p: PullProgress) => void,
    credentials?: RegistryCredentials,
  ): Promise<void> {
    const operation = `pull ${ref}`;
    const { repo, tag } = splitImageRef(ref);
    const stream = await this.call(
      operation,
      () =>
        this.engine.stream({
          method: "POST",
          path: "/images/create",
          query: { fromImage: repo, tag },
          ...(credentials && { headers: { "X-Registry-Auth": registryAuth(credentials) } }),
        }),
      (msg) => new ImageNotFoundError(ref, msg, { operation, statusCode: 404 }),
      (msg, statusCode) => new ImagePullError(ref, msg, { operation, statusCode }),
    );
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      let failure: string | undefined;
      const settle = (err?: Error) => {
        if (settled) return;
        settled = true;
        if (err) reject(err);
        else resolve();
      };
      stream.on(
        "data",
        jsonLines((obj) => {
          const error = pullError(obj);
          if (error !== undefined) failure ??= error;
          else onProgress(toProgress(obj));
        }),
      );
      stream.on("error", (e: unknown) => settle(this.toError(e, operation)));
      stream.on("end", () =>
        settle(failure === undefined ? undefined : new ImagePullError(ref, failure, { operation })),
      );
      stream.on("close", () =>
        settle(new RuntimeUnavailableError(`pull stream closed early`, { operation })),
      );
    });
  }

  async create(spec: ContainerSpec): Promise<string> {
    const operation = `create ${spec.name}`;
    const created = await this.call(
      operation,
      () =>
        this.engine.json<{ Id: string }>({
          method: "POST",
          path: "/containers/create",
          query: { name: spec.name },
          body: toCreateBody(spec),
        }),
      (msg) => new ImageNotFoundError(spec.image, msg, { operation, statusCode: 404 }),
    );
    return created.Id;
  }

  async start(id: string): Promise<void> {
    await this.tolerating([304], id, "start", {
      method: "POST",
      path: `${containerPath(id)}/start`,
    });
  }

  async stop(id: string, gracePeriodSeconds: number): Promise<void> {
    // The engine sends the image's stop signal, waits `t` seconds, then SIGKILLs.
    await this.tolerating([304, 404], id, "stop", {
      method: "POST",
      path: `${containerPath(id)}/stop`,
      query: { t: gracePeriodSeconds },
    });
  }

  async remove(id: string): Promise<void> {
    await this.tolerating([404], id, "remove", {
      method: "DELETE",
      path: containerPath(id),
      query: { force: true, v: true },
    });
    this.inspected.delete(id);
  }

  async exec(id: string, cmd: string[], timeoutMs: number): Promise<ExecResult> {
    const operation = `exec ${id}`;
    return this.call(
      operation,
      () => dockerExec(this.engine, id, cmd, timeoutMs, this.execExits),
      (msg) => new ContainerNotFoundError(id, msg, { operation }),
    );
  }

  events(node: string, onEvent: (e: RuntimeEvent) => void, signal: AbortSignal): void {
    const operation = "watch events";
    let stream: IncomingMessage | undefined;
    let done = signal.aborted;
    let up = false;
    const end = () => {
      done = true;
      if (up) this.execExits.streamDown();
      up = false;
      stream?.destroy();
    };
    const onAbort = () => end();
    // Reported once; the caller owns reconnecting (and relisting what it missed meanwhile).
    const disconnect = (error: Error) => {
      if (done) return;
      signal.removeEventListener("abort", onAbort);
      end();
      onEvent({ kind: "disconnected", error });
    };
    if (done) return;
    signal.addEventListener("abort", onAbort, { once: true });
    const filters = {
      type: ["container"],
      event: [...STATE_EVENTS, "exec_die"],
      label: [`${LABEL.node}=${node}`],
    };
    this.engine.stream({ method: "GET", path: "/events", query: { filters } }).then(
      (s) => {
        stream = s;
        if (done) return void s.destroy();
        up = true;
        this.execExits.streamUp();
        const ended = () =>
          disconnect(new RuntimeUnavailableError("docker event stream ended", { operation }));
        s.on(
          "data",
          jsonLines((obj) => {
            if (done) return;
            if (obj.Action === "exec_die") {
              const exit = toExecExit(obj);
              if (exit !== undefined) this.execExits.exited(exit.execId, exit.exitCode);
              return;
            }
            const ev = toContainerEvent(obj);
            if (ev === undefined) return;
            // Its state changed: the next list inspects it again, whatever its summary says.
            this.inspected.delete(ev.containerId);
            onEvent(ev);
          }),
        );
        s.on("error", (e: unknown) => disconnect(this.toError(e, operation)));
        s.on("end", ended);
        s.on("close", ended);
      },
      (e: unknown) => disconnect(this.toError(e, operation)),
    );
  }

  async logs(
    id: string,
    opts: LogOptions,
    onChunk: (stream: LogStream, data: Buffer) => void,
  ): Promise<void> {
    const operation = `logs ${id}`;
    const notFound = (msg: string) => new ContainerNotFoundError(id, msg, { operation });
    // Docker frames the output with 8-byte stream headers only when the container has no TTY.
    const info = await this.call(
      operation,
      () =>
        this.engine.json<ContainerInspect>({ method: "GET", path: `${containerPath(id)}/json` }),
      notFound,
    );
    let stream: IncomingMessage;
    try {
      // Streamed as it comes, so a large log never sits in the agent's memory at once.
      // Destroying the response closes the engine connection, so a cancelled follow stops there.
      stream = await this.engine.stream({
        method: "GET",
        path: `${containerPath(id)}/logs`,
        query: {
          follow: opts.follow,
          stdout: true,
          stderr: true,
          timestamps: opts.timestamps,
          tail: opts.tail === undefined ? "all" : String(opts.tail),
        },
        signal: opts.signal,
      });
    } catch (e) {
      if (opts.signal.aborted) return;
      throw this.toError(e, operation, notFound);
    }
    const onAbort = () => stream.destroy();
    opts.signal.addEventListener("abort", onAbort, { once: true });
    // An abort that came while the request was answered fired before the listener was there.
    if (opts.signal.aborted) stream.destroy();
    stream.on(
      "data",
      info.Config.Tty ? (chunk: Buffer) => onChunk("stdout", chunk) : demuxer(onChunk),
    );
    try {
      await finished(stream);
    } catch (e) {
      if (!opts.signal.aborted) throw this.toError(e, operation);
    } finally {
      opts.signal.removeEventListener("abort", onAbort);
    }
  }

  private async inspectRaw(id: string): Promise<ContainerInspect | undefined> {
    try {
      return await this.engine.json<ContainerInspect>({
        method: "GET",
        path: `${containerPath(id)}/json`,
      });
    } catch (e) {
      if (statusOf(e) === 404) return undefined;
      throw this.toError(e, `inspect ${id}`);
    }
  }

  /** Runs one container operation; the listed HTTP statuses mean "already so" and pass. */
  private async tolerating(
    ok: number[],
    id: string,
    verb: string,
    req: EngineRequest,
  ): Promise<void> {
    const operation = `${verb} ${id}`;
    try {
      await this.engine.json(req);
    } catch (e) {
      const status = statusOf(e);
      if (status !== undefined && ok.includes(status)) return;
      throw this.toError(
        e,
        operation,
        (msg) => new ContainerNotFoundError(id, msg, { operation, cause: e }),
      );
    }
  }

  private async call<T>(
    operation: string,
    fn: () => Promise<T>,
    notFound?: (msg: string) => RuntimeError,
    other?: (msg: string, statusCode: number | undefined) => RuntimeError,
  ): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw this.toError(e, operation, notFound, other);
    }
  }

  private toError(
    e: unknown,
    operation: string,
    notFound?: (msg: string) => RuntimeError,
    other?: (msg: string, statusCode: number | undefined) => RuntimeError,
  ): RuntimeError {
    if (e instanceof RuntimeError) return e;
    const code = isRecord(e) && typeof e.code === "string" ? e.code : undefined;
    if (code !== undefined && UNAVAILABLE_CODES.has(code)) {
      const detail = e instanceof Error ? e.message : code;
      return new RuntimeUnavailableError(
        `docker engine unavailable at ${this.socketPath}: ${detail}`,
        { operation, cause: e },
      );
    }
    const status = statusOf(e);
    const msg = errorMessage(e);
    if (status === 404 && notFound) return notFound(msg);
    if (other) return other(msg, status);
    return new RuntimeError(msg, { operation, statusCode: status, cause: e });
  }
}

function containerPath(id: string): string {
  return `/containers/${encodeURIComponent(id)}`;
}

/** The body of POST /containers/create (the name goes in the query). */
function toCreateBody(spec: ContainerSpec): Record<string, unknown> {
  const exposed: Record<string, Record<string, never>> = {};
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const p of spec.ports) {
    const key = `${p.containerPort}/${p.protocol.toLowerCase()}`;
    exposed[key] = {};
    if (p.hostPort === undefined) continue;
    (bindings[key] ??= []).push({ HostIp: p.hostIP ?? "", HostPort: String(p.hostPort) });
  }
  const mounts = spec.mounts.map((m) => ({
    Type: m.type,
    Source: m.type === "bind" ? (m.source ?? "") : "",
    Target: m.target,
    ReadOnly: m.readOnly,
    ...(m.propagation !== undefined && { BindOptions: { Propagation: m.propagation } }),
    // 0o1777 is Docker's own tmpfs default, spelled out.
    ...(m.sizeBytes !== undefined && { TmpfsOptions: { SizeBytes: m.sizeBytes, Mode: 0o1777 } }),
  }));
  return {
    Image: spec.image,
    ...(spec.entrypoint !== undefined && { Entrypoint: spec.entrypoint }),
    ...(spec.cmd !== undefined && { Cmd: spec.cmd }),
    Env: spec.env,
    ...(spec.workingDir !== undefined && { WorkingDir: spec.workingDir }),
    ...(spec.user !== undefined && { User: spec.user }),
    Labels: spec.labels,
    Tty: spec.tty,
    OpenStdin: spec.stdin,
    ExposedPorts: exposed,
    HostConfig: {
      ...(spec.hostNetwork && { NetworkMode: "host" }),
      ...(spec.hostPID && { PidMode: "host" }),
      // Docker discards published ports on the host network (with a warning); don't send them.
      ...(!spec.hostNetwork && { PortBindings: bindings }),
      Mounts: mounts,
      Privileged: spec.privileged,
      CapAdd: spec.capAdd,
      CapDrop: spec.capDrop,
      ReadonlyRootfs: spec.readOnlyRootFilesystem,
      ...(spec.nanoCpus !== undefined && { NanoCpus: spec.nanoCpus }),
      ...(spec.memoryBytes !== undefined && { Memory: spec.memoryBytes }),
      // The agent owns restarts (back-off, attempts); the engine must never restart on its own.
      RestartPolicy: { Name: "no" },
    },
  };
}

/**
 * The engine's X-Registry-Auth header: URL-safe base64 (with padding) of the auth JSON. Only
 * username and password: the engine ignores a config.json-style `auth` field, so a base64
 * `user:pass` must be decoded before it gets here.
 */
export function registryAuth(c: RegistryCredentials): string {
  const json = JSON.stringify({
    username: c.username,
    password: c.password,
    serveraddress: c.serverAddress,
  });
  return Buffer.from(json).toString("base64").replace(/\+/g, "-").replace(/\//g, "_");
}

function fromInspect(info: ContainerInspect): ObservedContainer | undefined {
  const labels = parseLabels(info.Config?.Labels);
  const status = info.State?.Status;
  const createdAt = parseTime(info.Created);
  if (labels === undefined || !isRunState(status) || createdAt === undefined) return undefined;
  const state = status;
  const error = info.State.Error || undefined;
  const finished = state === "exited" || state === "dead" || error !== undefined;
  return {
    id: info.Id,
    name: info.Name.replace(/^\//, ""),
    ...labels,
    image: info.Config.Image,
    imageId: info.Image,
    state,
    createdAt,
    startedAt: parseTime(info.State.StartedAt),
    finishedAt: parseTime(info.State.FinishedAt),
    exitCode: finished ? info.State.ExitCode : undefined,
    oomKilled: info.State.OOMKilled === true,
    error,
    ipAddress: bridgeAddress(info),
  };
}

/** The container's address on its first network; host-networked containers have none. */
function bridgeAddress(info: ContainerInspect): string | undefined {
  const networks = Object.values(info.NetworkSettings?.Networks ?? {});
  return networks.find((n) => n.IPAddress)?.IPAddress || undefined;
}

function parseLabels(labels: Record<string, string> | null | undefined): OurLabels | undefined {
  if (!labels) return undefined;
  const text = (k: string) => (labels[k] ? labels[k] : undefined);
  const int = (k: string) => {
    const v = labels[k];
    return v !== undefined && /^\d{1,9}$/.test(v) ? Number(v) : undefined;
  };
  const parsed = {
    podUid: text(LABEL.podUid),
    podName: text(LABEL.podName),
    namespace: text(LABEL.namespace),
    containerName: text(LABEL.container),
    node: text(LABEL.node),
    specHash: text(LABEL.specHash),
    attempt: int(LABEL.attempt),
    gracePeriodSeconds: int(LABEL.gracePeriod),
  };
  return allDefined(parsed) ? parsed : undefined;
}

function allDefined<T extends object>(o: T): o is { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.values(o).every((v) => v !== undefined);
}

/** Docker writes "0001-01-01T00:00:00Z" for times that never happened. */
function parseTime(s: string | undefined): Date | undefined {
  if (!s || s.startsWith("0001-01-01")) return undefined;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** "repo[:tag]" or "repo@digest"; a registry port ("host:5000/x") is not a tag. */
export function splitImageRef(ref: string): { repo: string; tag: string } {
  const at = ref.indexOf("@");
  if (at >= 0) return { repo: ref.slice(0, at), tag: ref.slice(at + 1) };
  const colon = ref.lastIndexOf(":");
  if (colon > ref.lastIndexOf("/")) return { repo: ref.slice(0, colon), tag: ref.slice(colon + 1) };
  return { repo: ref, tag: "latest" };
}

/**
 * A container's State and Status from the list, less the age that Docker writes into Status
 * ("Up 5 seconds", "Exited (0) 2 minutes ago"): it changes every second of a young container's
 * first minute, and made each list inspect every such container again. What is left (the state,
 * exit code, health, paused) changes only with the container; so do the events, which drop the
 * cached inspect of their container.
 */
export function summaryStamp(info: { State?: string; Status?: string }): string {
  const status = (info.Status ?? "").replace(AGE, "").replace(/\s+/g, " ").trim();
  return `${info.State}|${status}`;
}

const AGE =
  /\b(?:Less than a second|About an? (?:minute|hour)|\d+ (?:second|minute|hour|day|week|month|year)s?)(?: ago)?/g;

/**
 * The container events that change what a relist sees. An exec probe alone makes three others
 * (exec_create, exec_start, exec_die): the observer relisted on each, several times a second
 * at 20 probed pods. The stream also asks for exec_die, whose exit code saves an exec probe its
 * inspect; it goes to the exec waiting for it, not to the observer.
 */
const STATE_EVENTS = [
  "create",
  "start",
  "restart",
  "kill",
  "oom",
  "die",
  "stop",
  "pause",
  "unpause",
  "destroy",
];

function toContainerEvent(
  obj: Record<string, unknown>,
): Extract<RuntimeEvent, { kind: "container" }> | undefined {
  const actor = isRecord(obj.Actor) ? obj.Actor : {};
  const attrs = isRecord(actor.Attributes) ? actor.Attributes : {};
  const action = typeof obj.Action === "string" ? obj.Action : obj.status;
  const id = typeof actor.ID === "string" ? actor.ID : obj.id;
  if (typeof action !== "string" || typeof id !== "string") return undefined;
  const podUid = attrs[LABEL.podUid];
  return {
    kind: "container",
    action,
    containerId: id,
    ...(typeof podUid === "string" && { podUid }),
  };
}

/** An `exec_die` event's exec id, and its exit code when the engine gives one. */
function toExecExit(
  obj: Record<string, unknown>,
): { execId: string; exitCode: number | undefined } | undefined {
  const actor = isRecord(obj.Actor) ? obj.Actor : {};
  const attrs = isRecord(actor.Attributes) ? actor.Attributes : {};
  if (typeof attrs.execID !== "string") return undefined;
  return { execId: attrs.execID, exitCode: exitCodeAttribute(attrs.exitCode) };
}

function toProgress(obj: Record<string, unknown>): PullProgress {
  return {
    status: typeof obj.status === "string" ? obj.status : "",
    ...(typeof obj.id === "string" && { id: obj.id }),
    ...(typeof obj.progress === "string" && { progress: obj.progress }),
  };
}

function pullError(obj: Record<string, unknown>): string | undefined {
  const detail = isRecord(obj.errorDetail) ? obj.errorDetail.message : undefined;
  if (typeof detail === "string" && detail !== "") return detail;
  return typeof obj.error === "string" && obj.error !== "" ? obj.error : undefined;
}

// "removing" is left out on purpose: such a container is about to vanish, so it counts as gone.
function isRunState(s: unknown): s is ContainerRunState {
  return typeof s === "string" && RUN_STATES.includes(s);
}

function statusOf(e: unknown): number | undefined {
  return isRecord(e) && typeof e.statusCode === "number" ? e.statusCode : undefined;
}
