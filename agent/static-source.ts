import { createHash } from "node:crypto";
import { readFileSync, watch, type FSWatcher } from "node:fs";
import { readdir } from "node:fs/promises";
import path from "node:path";
import type { Logger } from "winston";
import type { DesiredPod } from "./pods/desired-pod.js";
import type { ManifestProblem } from "./pods/node-pods-view.js";
import { parseManifest, type ParsedManifest } from "./pods/manifest.js";
import { canonicalJson } from "./pods/spec-hash.js";
import { errorMessage } from "./error-message.js";

const MANIFEST_EXTENSIONS = new Set([".yaml", ".yml", ".json"]);
/** fs.watch can miss events (a replaced directory, some editors): rescan on a timer as well. */
const RESCAN_INTERVAL_MS = 5000;
/** A burst of directory events (a file being written) is read once more after it settles. */
const SETTLE_MS = 100;

/**
 * A tentative scan reads at the first sign of a change, so a new manifest starts at once; it
 * takes only files that parse, since the file may still be half-written. The settled scan after
 * the burst is the one that reports problems.
 */
type ScanKind = "tentative" | "settled";

interface FileState {
  text: string;
  pod?: DesiredPod;
  problem?: string;
}

/**
 * Static pods from a manifest directory, like the kubelet's: each file one Pod or one
 * DaemonSet-shaped template. A file that becomes invalid keeps its last good pod.
 */
export class StaticPodSource {
  private files = new Map<string, FileState>();
  private watcher?: FSWatcher;
  private timer?: NodeJS.Timeout;
  private settle?: NodeJS.Timeout;
  private dirProblem?: string;
  private scanning?: Promise<void>;
  /** A scan asked for while one was reading, which may have read too early. */
  private queued?: ScanKind;
  /** A scan has read the directory (or found it absent): absence from it now means "remove". */
  private scanned = false;
  /** Files named by events since the last scan began; "all" when an event named none. */
  private touched: Set<string> | "all" = new Set();

  constructor(
    private readonly dir: string,
    private readonly nodeName: string,
    private readonly logger: Logger,
    private readonly onChange: () => void,
  ) {}

  /** Resolves after the first full scan, so the agent knows its static pods before it acts. */
  async start(): Promise<void> {
    await this.scan();
    this.watchDir();
    this.timer = setInterval(() => void this.scan(), RESCAN_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    clearTimeout(this.settle);
    this.queued = undefined;
    this.watcher?.close();
  }

  podSetKnown(): boolean {
    return this.scanned;
  }

  pods(): DesiredPod[] {
    return [...this.files.values()].flatMap((f) => (f.pod ? [f.pod] : []));
  }

  problems(): ManifestProblem[] {
    const problems: ManifestProblem[] = [];
    if (this.dirProblem) problems.push({ file: this.dir, message: this.dirProblem });
    for (const [file, state] of this.files) {
      if (state.problem) problems.push({ file, message: state.problem, keptPod: state.pod?.name });
    }
    return problems;
  }

  private watchDir(): void {
    try {
      this.watcher = watch(this.dir, (_event, name) => {
        if (name === null) this.touched = "all";
        else if (this.touched !== "all") this.touched.add(name);
        void this.scan("tentative");
        clearTimeout(this.settle);
        this.settle = setTimeout(() => void this.scan("settled"), SETTLE_MS);
      });
      this.watcher.on("error", () => {
        this.watcher?.close();
        this.watcher = undefined;
      });
    } catch {
      // The directory may not exist yet; the periodic rescan picks it up when it does.
    }
  }

  private scan(kind: ScanKind = "settled"): Promise<void> {
    if (this.scanning) {
      this.queued = this.queued === "settled" ? "settled" : kind;
      return this.scanning;
    }
    this.scanning = this.doScan(kind).finally(() => {
      this.scanning = undefined;
      const again = this.queued;
      this.queued = undefined;
      if (again) void this.scan(again);
    });
    return this.scanning;
  }

  private async doScan(kind: ScanKind): Promise<void> {
    const touched = this.touched;
    this.touched = new Set();
    let names: string[];
    try {
      names = (await readdir(this.dir)).filter(isManifestName).sort();
      this.setDirProblem(undefined);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // A missing directory means no static pods; any other error keeps what runs.
      if (code !== "ENOENT")
        return this.setDirProblem(`cannot read manifest directory: ${String(err)}`);
      this.setDirProblem(undefined);
      names = [];
    }
    this.scanned = true;
    if (!this.watcher && names.length > 0) this.watchDir();
    const next = new Map<string, FileState>();
    const claimed = new Map<string, string>();
    let changed = false;
    for (const name of names) {
      const file = path.join(this.dir, name);
      const before = this.files.get(file);
      // A tentative scan reads only the files events named: the others are as the last scan read
      // them, and the settled scan after the burst reads them all anyway.
      const skip = kind === "tentative" && before && touched !== "all" && !touched.has(name);
      const read = skip ? { ...before } : await this.readFile(file, before);
      // Tentatively, a file that does not parse (yet) stays as it was, or unknown if new.
      const unsettled = kind === "tentative" && read.problem !== undefined;
      if (unsettled && before === undefined) continue;
      const state = unsettled && before ? { ...before } : read;
      if (state.pod) {
        const key = `${state.pod.namespace}/${state.pod.name}`;
        const owner = claimed.get(key);
        if (owner) {
          state.problem = `pod ${key} is already defined by ${owner}`;
          state.pod = undefined;
        } else claimed.set(key, file);
      }
      if (state.problem !== before?.problem && state.problem) {
        this.logger.error("invalid static pod manifest", {
          file,
          problem: state.problem,
          ...(state.pod ? { keptPod: state.pod.name } : {}),
        });
      }
      if (state.pod?.uid !== before?.pod?.uid) {
        changed = true;
        this.logger.info(
          before?.pod ? "static pod manifest changed" : "static pod manifest added",
          {
            file,
            pod: state.pod ? `${state.pod.namespace}/${state.pod.name}` : undefined,
          },
        );
      }
      next.set(file, state);
    }
    for (const [file, state] of this.files) {
      if (!next.has(file) && state.pod) {
        changed = true;
        this.logger.info("static pod manifest removed", { file, pod: state.pod.name });
      }
    }
    this.files = next;
    if (changed) this.onChange();
  }

  private async readFile(file: string, before: FileState | undefined): Promise<FileState> {
    let text: string;
    try {
      // Read synchronously: a manifest is a small local file, read again on every rescan (5 s),
      // and the thread pool's open, fstat, read and close cost each file four wakes of the agent.
      text = readFileSync(file, "utf8");
    } catch (err) {
      return { text: "", pod: before?.pod, problem: `cannot read file: ${String(err)}` };
    }
    if (before && before.text === text) return { ...before };
    try {
      return { text, pod: this.toDesiredPod(parseManifest(text, file), file) };
    } catch (err) {
      return { text, pod: before?.pod, problem: errorMessage(err) };
    }
  }

  private toDesiredPod(m: ParsedManifest, file: string): DesiredPod {
    const name = `${m.name}-${this.nodeName}`;
    const identity = {
      name,
      namespace: m.namespace,
      labels: m.labels,
      spec: m.spec,
      node: this.nodeName,
    };
    const uid = toUid(createHash("sha256").update(canonicalJson(identity)).digest("hex"));
    return {
      uid,
      name,
      namespace: m.namespace,
      nodeName: this.nodeName,
      source: "static",
      sourceRef: file,
      labels: m.labels,
      // The kubelet marks static pods this way; the hub reads them to make mirror pods.
      annotations: {
        ...m.annotations,
        "kubernetes.io/config.source": "file",
        "kubernetes.io/config.hash": uid,
      },
      spec: { ...m.spec, nodeName: this.nodeName },
    };
  }

  private setDirProblem(problem: string | undefined): void {
    if (problem && problem !== this.dirProblem) {
      this.logger.error("static pod manifests unavailable; keeping the pods that run", {
        dir: this.dir,
        problem,
      });
    }
    this.dirProblem = problem;
  }
}

function isManifestName(name: string): boolean {
  return !name.startsWith(".") && MANIFEST_EXTENSIONS.has(path.extname(name));
}

/** A content hash laid out as a UUID, so pod uids look like the ones Kubernetes prints. */
function toUid(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
