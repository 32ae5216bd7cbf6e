import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { caHashOf } from "../auth/join-string.js";
import { initPki } from "./init-pki.js";

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe("initPki", () => {
  it("makes a CA and a hub certificate it signs, for loopback and the given names", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "daemonlet-pki-"));
    dirs.push(dir);
    const files = await initPki(dir, ["hub.example", "10.1.2.3"]);
    const ca = new X509Certificate(await readFile(files.caCert));
    const chain = await readFile(files.cert, "utf8");
    const leaf = new X509Certificate(chain);
    assert.ok(ca.ca);
    assert.equal(leaf.ca, false);
    assert.ok(leaf.checkIssued(ca) && leaf.verify(ca.publicKey));
    for (const host of ["localhost", "hub.example"]) assert.equal(leaf.checkHost(host), host);
    for (const ip of ["127.0.0.1", "10.1.2.3"]) assert.equal(leaf.checkIP(ip), ip);
    assert.ok(chain.includes(ca.toString().trim()), "the chain carries the CA");
    for (const key of [files.caKey, files.key]) {
      assert.equal((await stat(key)).mode & 0o777, 0o600, key);
    }

    const hash = caHashOf(ca);
    await initPki(dir);
    assert.equal(caHashOf(await readFile(files.caCert)), hash, "run again: the same CA");
  });
});
