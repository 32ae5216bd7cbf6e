// The one seam between the agent and a container engine. The agent core speaks only this
// interface; the Docker implementation lives beside it.

export type ContainerRunState = "created" | "running" | "paused" | "restarting" | "exited" | "dead";

/** What the agent knows about one container it created, read back from the engine. */
export interface ObservedContainer {
  id: string;
  /** Engine-side name, for logs only. */
  name: string;
  podUid: string;
  podName: string;
  namespace: string;
  containerName: string;
  node: string;
  specHash: string;
  attempt: number;
  gracePeriodSeconds: number;
  image: string;
  imageId: string;
  state: ContainerRunState;
  createdAt: Date;
  startedAt?: Date;
  finishedAt?: Date;
  exitCode?: number;
  oomKilled: boolean;
  /** The engine's own error text, e.g. why a start failed. */
  error?: string;
  /** The container's address on the engine's bridge network; unset for host networking. */
  ipAddress?: string;
}

export interface PortBinding {
  containerPort: number;
  protocol: "TCP" | "UDP" | "SCTP";
  hostPort?: number;
  hostIP?: string;
}

export interface Mount {
  type: "bind" | "tmpfs";
  /** Host path for binds; unused for tmpfs. */
  source?: string;
  target: string;
  readOnly: boolean;
  propagation?: "rprivate" | "rslave" | "rshared";
  /** tmpfs size in bytes, from emptyDir.sizeLimit. */
  sizeBytes?: number;
}

/** Everything needed to create one container, already resolved (volumes, env, limits). */
export interface ContainerSpec {
  name: string;
  image: string;
  labels: Record<string, string>;
  /** Overrides the image ENTRYPOINT when set (Kubernetes `command`). */
  entrypoint?: string[];
  /** Overrides the image CMD when set (Kubernetes `args`). */
  cmd?: string[];
  env: string[];
  workingDir?: string;
  user?: string;
  hostNetwork: boolean;
  hostPID: boolean;
  ports: PortBinding[];
  mounts: Mount[];
  privileged: boolean;
  capAdd: string[];
  capDrop: string[];
  readOnlyRootFilesystem: boolean;
  nanoCpus?: number;
  memoryBytes?: number;
  tty: boolean;
  stdin: boolean;
}

export type RuntimeEvent =
  | { kind: "container"; action: string; containerId: string; podUid?: string }
  | { kind: "disconnected"; error: Error };

export interface ListFilter {
  node: string;
  podUid?: string;
}

/** Credentials for one pull; the engine presents them to the image's registry only. */
export interface RegistryCredentials {
  username: string;
  password: string;
  /** The registry they are for, e.g. "quay.io" or "127.0.0.1:5000". */
  serverAddress: string;
}

export interface PullProgress {
  status: string;
  id?: string;
  progress?: string;
}

/** Exec output beyond this is dropped: the kubelet keeps no more of a probe's output. */
export const EXEC_OUTPUT_LIMIT = 10 * 1024;

export interface ExecResult {
  /** Null when the command had not finished (timed out). */
  exitCode: number | null;
  output: string;
  timedOut: boolean;
}

export type LogStream = "stdout" | "stderr";

export interface LogOptions {
  /** Keep streaming what the container writes until it stops (or the signal aborts). */
  follow: boolean;
  /** Start this many lines from the end; all of them when unset. */
  tail?: number;
  /** Prefix each line with the engine's RFC 3339 timestamp. */
  timestamps: boolean;
  signal: AbortSignal;
}

/** A container's resource counters as the engine reports them. */
export interface ContainerStats {
  /** Cumulative cpu time, in nanoseconds. */
  cpuNanos: number;
  /** Memory in use less inactive file pages (the working set). */
  memoryWorkingSetBytes: number;
}

export interface ContainerRuntime {
  /** Engine name and version, e.g. "docker://20.10.24"; fails if the engine does not answer. */
  version(): Promise<string>;
  /** One reading of a running container's counters; undefined if it is gone. */
  stats(id: string): Promise<ContainerStats | undefined>;
  list(filter: ListFilter): Promise<ObservedContainer[]>;
  inspect(id: string): Promise<ObservedContainer | undefined>;
  imagePresent(ref: string): Promise<boolean>;
  /** Pulls through the engine, anonymously unless credentials are given. */
  pullImage(
    ref: string,
    onProgress: (p: PullProgress) => void,
    credentials?: RegistryCredentials,
  ): Promise<void>;
  create(spec: ContainerSpec): Promise<string>;
  start(id: string): Promise<void>;
  /** Sends the image's stop signal, then SIGKILL after the grace period. */
  stop(id: string, gracePeriodSeconds: number): Promise<void>;
  remove(id: string): Promise<void>;
  /**
   * Runs a command in a running container (an exec probe). A command still running after
   * `timeoutMs` resolves with `timedOut: true` rather than rejecting: to a probe a timeout is a
   * result. Output is stdout and stderr interleaved, capped at EXEC_OUTPUT_LIMIT bytes.
   */
  exec(id: string, cmd: string[], timeoutMs: number): Promise<ExecResult>;
  /**
   * Streams the engine's events for this node's containers until the signal aborts: those that
   * change a container's state or presence (create, start, die, destroy…), not exec or health
   * events, which leave the state as it was.
   */
  events(node: string, onEvent: (e: RuntimeEvent) => void, signal: AbortSignal): void;
  /**
   * A container's output as the engine kept it, chunk by chunk (a TTY container's is all
   * stdout). Resolves when the output ends (at once without `follow`, when the container stops
   * with it) or when the signal aborts.
   */
  logs(
    id: string,
    opts: LogOptions,
    onChunk: (stream: LogStream, data: Buffer) => void,
  ): Promise<void>;
}
