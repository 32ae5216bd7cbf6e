// What each call the agent's node monitor could use costs, measured here in one run: the
// systeminformation calls for the node, statfs and /proc for disk and pids, and per container the
// cgroup files against the engine's stats (with and without one-shot). The agent uses the cheap
// ones on every sample; the table says why. Prints a table and one JSON line; no threshold.
//
//   npm run bench:usage-calls          env: BENCH_RUNS (20)
import { statfs } from "node:fs/promises";
import Docker from "dockerode";
import si from "systeminformation";
import { ContainerCgroups } from "../agent/node/container-cgroups.js";
import { NodeSampler } from "../agent/node/node-sampler.js";
import { DockerRuntime } from "../agent/runtime/docker-runtime.js";

const RUNS = Number(process.env["BENCH_RUNS"] ?? 20);
const NODE = `bench-usage-${process.pid}`;

interface Row {
  call: string;
  usedBy: string;
  firstMs: number;
  medianMs: number;
  p95Ms: number;
}

async function time(
  call: string,
  usedBy: string,
  work: () => Promise<unknown>,
  runs = RUNS,
): Promise<Row> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await work();
    samples.push(performance.now() - t);
  }
  const [firstMs = 0] = samples;
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { call, usedBy, firstMs, medianMs: at(0.5), p95Ms: at(0.95) };
}

async function main(): Promise<void> {
  const docker = new Docker();
  const container = await docker.createContainer({
    Image: "busybox:1.36",
    Cmd: ["sleep", "600"],
    Labels: { "io.daemonlet.node": NODE },
  });
  await container.start();
  const runtime = new DockerRuntime({ socketPath: "/var/run/docker.sock" });
  const rows: Row[] = [];
  try {
    const cgroups = new ContainerCgroups();
    const sampler = new NodeSampler("/var/lib/docker");
    rows.push(
      await time("si.currentLoad()", "node cpu, each sample", () => si.currentLoad()),
      await time("si.mem()", "node memory, each sample", () => si.mem()),
      await time("si.networkStats('*')", "node network, each sample", () => si.networkStats("*")),
      await time("si.fsSize()", "not used (lists every mount)", () => si.fsSize()),
      await time("statfs(data root)", "node disk, each sample", () => statfs("/var/lib/docker")),
      await time("NodeSampler.sample()", "the whole node sample", () => sampler.sample()),
      await time("cgroup files (1 container)", "container cpu+memory", () =>
        cgroups.read(container.id),
      ),
      await time("docker stats one-shot", "fallback without cgroup files", () =>
        runtime.stats(container.id),
      ),
      await time(
        "docker stats stream=false",
        "not used (waits for a 2nd reading)",
        () => container.stats({ stream: false }),
        Math.min(RUNS, 3),
      ),
      await time("docker version", "engine health (Ready), each sample", () => runtime.version()),
    );
  } finally {
    await container.remove({ force: true });
  }
  const pad = (s: string, n: number) => s.padEnd(n);
  console.log(
    `${pad("CALL", 28)}${pad("FIRST ms", 10)}${pad("MEDIAN ms", 11)}${pad("P95 ms", 9)}USED FOR`,
  );
  for (const r of rows) {
    console.log(
      `${pad(r.call, 28)}${pad(r.firstMs.toFixed(2), 10)}${pad(r.medianMs.toFixed(3), 11)}${pad(r.p95Ms.toFixed(3), 9)}${r.usedBy}`,
    );
  }
  console.log(JSON.stringify({ bench: "usage-calls", runs: RUNS, rows }));
}

await main();
