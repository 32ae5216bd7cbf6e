// A Debian container with systemd as PID 1 (image from build-systemd-image.sh), run with the
// flags that work on these machines (no --privileged), on the host network, with the host's
// Docker socket, this checkout (read-only, built) and the node binary mounted in.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { promisify } from "node:util";
import { REPO } from "../cli-process.js";
import { waitFor } from "../wait.js";

const run = promisify(execFile);
export const SYSTEMD_TEST_LABEL = "io.daemonlet.test=systemd";

export interface ExecResult {
  stdout: string;
  stderr: string;
  code: number;
}

async function docker(args: string[], input?: string): Promise<ExecResult> {
  const child = run("docker", args, { maxBuffer: 16 * 1024 * 1024, timeout: 300_000 });
  if (input !== undefined) child.child.stdin?.end(input);
  try {
    const { stdout, stderr } = await child;
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; code?: number };
    return {
      stdout: e.stdout ?? "",
      stderr: e.stderr ?? "",
      code: typeof e.code === "number" ? e.code : 1,
    };
  }
}

/** Builds (or finds) the image; the rootfs tarball is cached under /var/cache/daemonlet-test. */
export async function systemdImage(): Promise<string> {
  const { stdout } = await run(
    "bash",
    [path.join(REPO, "test/support/systemd/build-systemd-image.sh")],
    {
      timeout: 900_000,
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  return stdout.trim().split("\n").at(-1) ?? "";
}

export class SystemdContainer {
  private constructor(readonly name: string) {}

  static async start(image: string): Promise<SystemdContainer> {
    const name = `daemonlet-systemd-${process.pid}-${randomBytes(3).toString("hex")}`;
    const container = new SystemdContainer(name);
    const started = await docker([
      "run",
      "-d",
      "--name",
      name,
      "--label",
      SYSTEMD_TEST_LABEL,
      "--network",
      "host",
      "--cap-add",
      "SYS_ADMIN",
      "--security-opt",
      "seccomp=unconfined",
      "--cgroupns=host",
      "-v",
      "/sys/fs/cgroup:/sys/fs/cgroup:rw",
      "--tmpfs",
      "/run",
      "--tmpfs",
      "/run/lock",
      "-e",
      "container=docker",
      "--stop-signal",
      "SIGRTMIN+3",
      "-v",
      "/var/run/docker.sock:/run/docker.sock",
      "-v",
      `${REPO}:/src:ro`,
      "-v",
      `${process.execPath}:/usr/local/bin/node:ro`,
      image,
      "/sbin/init",
    ]);
    if (started.code !== 0) throw new Error(`docker run failed: ${started.stderr}`);
    await waitFor(
      async () => (await container.exec(["systemctl", "is-system-running"])).stdout.trim(),
      {
        what: "systemd to finish booting",
        timeoutMs: 60_000,
        until: (state) => state === "running" || state === "degraded",
      },
    );
    return container;
  }

  exec(command: string[], input?: string): Promise<ExecResult> {
    return docker(["exec", ...(input === undefined ? [] : ["-i"]), this.name, ...command], input);
  }

  /** Runs a command and fails with its output when it exits non-zero. */
  async ok(command: string[], input?: string): Promise<string> {
    const result = await this.exec(command, input);
    if (result.code !== 0) {
      throw new Error(
        `${command.join(" ")} exited ${result.code}: ${result.stderr}${result.stdout}`,
      );
    }
    return result.stdout;
  }

  async writeFile(file: string, text: string): Promise<void> {
    await this.ok(["sh", "-c", `mkdir -p "$(dirname '${file}')" && cat > '${file}'`], text);
  }

  /** Copies a host file into the container. */
  async copyIn(hostPath: string, containerPath: string): Promise<void> {
    const copied = await docker(["cp", hostPath, `${this.name}:${containerPath}`]);
    if (copied.code !== 0) throw new Error(`docker cp failed: ${copied.stderr}`);
  }

  async unitProperty(unit: string, property: string): Promise<string> {
    return (await this.ok(["systemctl", "show", "-p", property, "--value", unit])).trim();
  }

  /** The unit's journal, for failure messages. */
  async journal(unit: string): Promise<string> {
    return (await this.exec(["journalctl", "-u", unit, "--no-pager", "-n", "40"])).stdout;
  }

  /** Removes the container and its anonymous volumes. */
  async remove(): Promise<void> {
    await docker(["rm", "-f", "-v", this.name]);
  }
}
