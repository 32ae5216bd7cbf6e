// A real image registry for pull tests: Debian's `docker-registry` (the CNCF distribution
// server) on a free loopback port, storage in a temp dir, basic auth from a bcrypt htpasswd file.
// The engine treats 127.0.0.0/8 as an insecure registry, so plain HTTP needs no engine setup.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import Docker from "dockerode";
import { freePort } from "./free-port.js";
import { waitFor } from "./wait.js";

const REGISTRY_BIN = "/usr/bin/docker-registry";
// The registry accepts only bcrypt htpasswd lines. apache2-utils (htpasswd) is not installed, but
// perl-base is Essential on Debian and its crypt() is libxcrypt's, which knows bcrypt. A fixed
// salt is fine: the password is random per run and the registry lives for one test file.
const BCRYPT_SALT = "$2b$05$daemonlettestregistry.";
const OUTPUT_KEPT = 4096;

const run = promisify(execFile);
const docker = new Docker();

export class TestRegistry {
  readonly username = "daemonlet-test";
  readonly password = randomBytes(12).toString("hex");
  private child?: ChildProcess;
  private exited?: Promise<void>;
  private output = "";

  private constructor(
    private readonly dir: string,
    readonly port: number,
  ) {}

  /** Starts a registry and waits until it answers `GET /v2/`. */
  static async start(): Promise<TestRegistry> {
    const dir = await mkdtemp(path.join(os.tmpdir(), "daemonlet-registry-"));
    const registry = new TestRegistry(dir, await freePort());
    try {
      await registry.writeConfig();
      await registry.spawn();
    } catch (err) {
      await registry.dispose();
      throw err;
    }
    return registry;
  }

  /** "127.0.0.1:PORT", the registry part of image names and the auth file's key. */
  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** The full image name of `repo:tag` in this registry. */
  ref(repoTag: string): string {
    return `${this.host}/${repoTag}`;
  }

  /** Tags the local image `source` as `repo:tag` here and pushes it; returns the full name. */
  async push(source: string, repoTag: string): Promise<string> {
    const ref = this.ref(repoTag);
    const colon = ref.lastIndexOf(":");
    await docker.getImage(source).tag({ repo: ref.slice(0, colon), tag: ref.slice(colon + 1) });
    const stream = await docker.getImage(ref).push({
      authconfig: { username: this.username, password: this.password, serveraddress: this.host },
    });
    const lines = await new Promise<unknown[]>((resolve, reject) =>
      docker.modem.followProgress(stream, (err: Error | null, out: unknown[]) =>
        err ? reject(err) : resolve(out),
      ),
    );
    const failure = lines.find(
      (l): l is { error: string } =>
        typeof l === "object" && l !== null && "error" in l && typeof l.error === "string",
    );
    if (failure) throw new Error(`push ${ref}: ${failure.error}`);
    return ref;
  }

  /** Stops the server; pulls from it then fail with "connection refused". */
  async stop(): Promise<void> {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill("SIGTERM");
    }
    await this.exited;
  }

  /** Stops the server, removes every local image tag naming this registry, and its storage. */
  async dispose(): Promise<void> {
    await this.stop();
    const images = await docker.listImages();
    const tags = images
      .flatMap((i) => i.RepoTags ?? [])
      .filter((t) => t.startsWith(`${this.host}/`));
    for (const tag of tags) await removeTag(tag);
    await rm(this.dir, { recursive: true, force: true });
  }

  private async writeConfig(): Promise<void> {
    const { stdout: hash } = await run("perl", ["-e", "print crypt($ENV{PW}, $ENV{SALT})"], {
      env: { PW: this.password, SALT: BCRYPT_SALT },
    });
    if (!hash.startsWith("$2b$")) {
      throw new Error(`perl's crypt() made no bcrypt hash (got ${JSON.stringify(hash)})`);
    }
    await mkdir(path.join(this.dir, "data"));
    await writeFile(path.join(this.dir, "htpasswd"), `${this.username}:${hash}\n`);
    // JSON is YAML, and needs no quoting rules of its own.
    const config = {
      version: 0.1,
      log: { level: "warn", accesslog: { disabled: true } },
      storage: { filesystem: { rootdirectory: path.join(this.dir, "data") } },
      http: { addr: this.host, secret: randomBytes(16).toString("hex") },
      auth: { htpasswd: { realm: "daemonlet-test", path: path.join(this.dir, "htpasswd") } },
    };
    await writeFile(path.join(this.dir, "config.yml"), JSON.stringify(config, null, 2));
  }

  private async spawn(): Promise<void> {
    const child = spawn(REGISTRY_BIN, ["serve", path.join(this.dir, "config.yml")], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    // A binary that cannot be spawned reports only "error", never "exit".
    this.exited = new Promise((resolve) => {
      child.once("exit", () => resolve());
      child.once("error", () => resolve());
    });
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-OUTPUT_KEPT);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    const spawned = new Promise<void>((resolve, reject) => {
      child.once("spawn", resolve);
      child.once("error", reject);
    });
    await spawned;
    await waitFor(
      async () => {
        if (child.exitCode !== null) {
          throw new Error(`docker-registry exited with ${child.exitCode}: ${this.output}`);
        }
        // 401: up, and asking for the credentials it was configured with.
        return (await fetch(`http://${this.host}/v2/`)).status === 401;
      },
      { timeoutMs: 15_000, what: `docker-registry to answer on ${this.host}` },
    );
  }
}

async function removeTag(tag: string): Promise<void> {
  try {
    await docker.getImage(tag).remove();
  } catch (e) {
    const status = typeof e === "object" && e !== null && "statusCode" in e ? e.statusCode : 0;
    if (status !== 404) throw e;
  }
}
