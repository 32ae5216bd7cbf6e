import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import winston from "winston";
import { waitFor } from "../test/support/wait.js";
import { StaticPodSource } from "./static-source.js";

const logger = winston.createLogger({ silent: true });

function pod(name: string, image = "busybox:1.36"): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  containers:
  - {name: app, image: ${image}}
`;
}

describe("StaticPodSource watching its directory", () => {
  let dir: string;
  let source: StaticPodSource;
  let changes = 0;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "static-source-"));
    source = new StaticPodSource(dir, "n1", logger, () => changes++);
    await source.start();
  });

  after(async () => {
    source.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const podNamed = (name: string) => source.pods().find((p) => p.name === `${name}-n1`);

  it("picks up a new manifest", async () => {
    const before = changes;
    await writeFile(path.join(dir, "web.yaml"), pod("web"));
    await waitFor(() => podNamed("web"), { what: "pod web" });
    assert.ok(changes > before);
  });

  it("takes a file written in two parts once it is whole, and reports nothing about it", async () => {
    const file = path.join(dir, "split.yaml");
    const text = pod("split");
    await writeFile(file, text.slice(0, 30));
    await writeFile(file, text);
    await waitFor(() => podNamed("split"), { what: "pod split" });
    await waitFor(() => !source.problems().some((p) => p.file === file) || undefined, {
      what: "no problem reported for split.yaml",
    });
  });

  it("reports a file that stays invalid, keeping the pod it had", async () => {
    const file = path.join(dir, "keep.yaml");
    await writeFile(file, pod("keep"));
    const good = await waitFor(() => podNamed("keep"), { what: "pod keep" });
    await writeFile(file, "kind: Pod\nspec: [\n");
    const problem = await waitFor(() => source.problems().find((p) => p.file === file), {
      what: "problem for keep.yaml",
    });
    assert.equal(problem.keptPod, good.name);
    assert.equal(podNamed("keep")?.uid, good.uid);
  });

  it("reports a new file that never parses", async () => {
    const file = path.join(dir, "bad.yaml");
    await writeFile(file, "apiVersion: v1\nkind: Pod\n");
    const problem = await waitFor(() => source.problems().find((p) => p.file === file), {
      what: "problem for bad.yaml",
    });
    assert.equal(problem.keptPod, undefined);
  });

  it("takes a manifest renamed into place, and several written together", async () => {
    const staging = path.join(dir, ".renamed.yaml.tmp");
    await writeFile(staging, pod("renamed"));
    await Promise.all([
      rename(staging, path.join(dir, "renamed.yaml")),
      writeFile(path.join(dir, "beside.yaml"), pod("beside")),
    ]);
    await waitFor(() => podNamed("renamed"), { what: "pod renamed" });
    await waitFor(() => podNamed("beside"), { what: "pod beside" });
  });

  it("replaces the pod of a file rewritten in place", async () => {
    const file = path.join(dir, "edit.yaml");
    await writeFile(file, pod("edit"));
    const first = await waitFor(() => podNamed("edit"), { what: "pod edit" });
    await writeFile(file, pod("edit", "busybox:1.37"));
    const second = await waitFor(
      () => (podNamed("edit")?.uid !== first.uid ? podNamed("edit") : undefined),
      { what: "pod edit replaced" },
    );
    assert.equal(second.spec.containers[0]?.image, "busybox:1.37");
  });

  it("drops the pod of a removed file", async () => {
    await writeFile(path.join(dir, "gone.yaml"), pod("gone"));
    await waitFor(() => podNamed("gone"), { what: "pod gone" });
    await rm(path.join(dir, "gone.yaml"));
    await waitFor(() => !podNamed("gone") || undefined, { what: "pod gone removed" });
  });
});
