import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { ContainerCgroups } from "./container-cgroups.js";

// A cgroup tree laid out as Docker makes it, in a temporary directory: the files are the kernel's
// formats, only their place differs.
describe("container cgroup counters", () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), "daemonlet-cgroups-"));
    const v1cpu = path.join(root, "cpuacct/docker/v1id");
    const v1mem = path.join(root, "memory/docker/v1id");
    const v2 = path.join(root, "system.slice/docker-v2id.scope");
    for (const dir of [v1cpu, v1mem, v2]) await mkdir(dir, { recursive: true });
    await writeFile(path.join(v1cpu, "cpuacct.usage"), "2500000000\n");
    await writeFile(path.join(v1mem, "memory.usage_in_bytes"), "10485760\n");
    await writeFile(path.join(v1mem, "memory.stat"), "cache 0\ntotal_inactive_file 2097152\n");
    await writeFile(path.join(v2, "cpu.stat"), "usage_usec 1500000\nuser_usec 1000000\n");
    await writeFile(path.join(v2, "memory.current"), "8388608\n");
    await writeFile(path.join(v2, "memory.stat"), "anon 1\ninactive_file 1048576\n");
  });
  after(() => rm(root, { recursive: true, force: true }));

  it("reads cgroup v1 (cgroupfs driver): cpuacct in ns, usage less inactive file", async () => {
    assert.deepEqual(await new ContainerCgroups(root).read("v1id"), {
      cpuNanos: 2_500_000_000,
      memoryWorkingSetBytes: 8 * 2 ** 20,
    });
  });

  it("reads cgroup v2 (systemd driver): usage_usec, memory.current less inactive_file", async () => {
    assert.deepEqual(await new ContainerCgroups(root).read("v2id"), {
      cpuNanos: 1_500_000_000,
      memoryWorkingSetBytes: 7 * 2 ** 20,
    });
  });

  it("says nothing for a container it cannot find, so the engine is asked instead", async () => {
    assert.equal(await new ContainerCgroups(root).read("absent"), undefined);
  });
});
