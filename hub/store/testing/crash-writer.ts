// Writes pairs of pods, one transaction per pair, as fast as it can, and prints
// `<pair> <resourceVersion>` once each pair has committed. The crash test SIGKILLs it at an
// arbitrary instant and checks that everything printed survived and no pair was torn.
// Usage: node --import tsx hub/store/testing/crash-writer.ts DIR
import { openSqliteStore } from "../sqlite-store.js";
import { pod } from "./fixtures.js";

const dir = process.argv[2];
if (!dir) throw new Error("usage: crash-writer.ts DIR");
const store = openSqliteStore(dir);
for (let i = 0; ; i++) {
  const rv = store.transaction(() => {
    store.create(pod(`a-${i}`, "n1"));
    return store.create(pod(`b-${i}`, "n1")).metadata.resourceVersion;
  });
  // A pipe is written synchronously on Linux: once this returns the parent can read the line.
  process.stdout.write(`${i} ${rv}\n`);
}
