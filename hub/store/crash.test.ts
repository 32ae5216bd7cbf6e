import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { PodObject } from "./index.js";
import { openSqliteStore } from "./sqlite-store.js";
import { pod, tempDir } from "./testing/fixtures.js";

const WRITER = fileURLToPath(new URL("./testing/crash-writer.ts", import.meta.url));
/** Enough commits that the kill lands in a busy stream of writes, not at its start. */
const COMMITS_BEFORE_KILL = 300;

/** Runs the writer until it has reported `commits` pairs, SIGKILLs it, returns what it printed. */
async function writeThenKill(dir: string, commits: number): Promise<Map<number, string>> {
  const child = spawn(process.execPath, ["--import", "tsx", WRITER, dir], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const printed = new Map<number, string>();
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on("exit", (_code, signal) => resolve(signal)),
  );
  for await (const line of createInterface({ input: child.stdout })) {
    const [pair, rv] = line.split(" ");
    printed.set(Number(pair), rv ?? "");
    if (printed.size === commits) child.kill("SIGKILL");
  }
  assert.equal(await exited, "SIGKILL", "the writer was killed, not finished");
  return printed;
}

describe("SqliteStore after SIGKILL", () => {
  const tmp = tempDir();
  after(() => tmp.remove());

  it("keeps every committed write and no torn transaction", { timeout: 60_000 }, async () => {
    const printed = await writeThenKill(tmp.dir, COMMITS_BEFORE_KILL);
    assert.ok(printed.size >= COMMITS_BEFORE_KILL);

    const store = openSqliteStore(tmp.dir);
    try {
      for (const [pair, rv] of printed) {
        assert.ok(store.get("Pod", "default", `a-${pair}`), `a-${pair} survived`);
        const b = store.get<PodObject>("Pod", "default", `b-${pair}`);
        assert.equal(b?.metadata.resourceVersion, rv, `b-${pair} survived at ${rv}`);
      }
      const stored = store.list<PodObject>("Pod", { nodeName: "n1" }).items;
      const pairs = new Set(stored.map((p) => p.metadata.name?.slice(2)));
      assert.equal(stored.length, pairs.size * 2, "every pair is whole: both pods or neither");

      const newest = Math.max(...[...printed.values()].map(Number));
      assert.ok(Number(store.list("Pod").resourceVersion) >= newest);
      const next = store.create(pod("after-restart"));
      assert.ok(Number(next.metadata.resourceVersion) > newest, "versions are never reused");
    } finally {
      store.close();
    }
  });
});
