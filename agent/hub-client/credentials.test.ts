import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { caHashOf } from "../../hub/auth/join-string.js";
import { initPki } from "../../hub/pki/init-pki.js";
import { pinnedCA } from "./credentials.js";

describe("pinnedCA", () => {
  let dir: string;
  let chain: X509Certificate[];
  let hash: string;
  let other: X509Certificate[];

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "daemonlet-pin-"));
    const files = await initPki(path.join(dir, "a"), ["hub.example"]);
    const pem = await readFile(files.cert, "utf8");
    chain = pem
      .match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)!
      .map((c) => new X509Certificate(c));
    hash = caHashOf(await readFile(files.caCert));
    const otherFiles = await initPki(path.join(dir, "b"));
    other = [new X509Certificate(await readFile(otherFiles.cert))];
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("returns the CA whose key has the pinned hash, for a name or address the hub serves", () => {
    for (const host of ["hub.example", "127.0.0.1", "localhost"]) {
      assert.match(pinnedCA(chain, host, hash), /BEGIN CERTIFICATE/);
    }
  });

  it("refuses another hash, a chain without the CA, another CA's leaf and a foreign host", () => {
    assert.throws(
      () => pinnedCA(chain, "hub.example", `sha256:${"0".repeat(64)}`),
      /do not match the CA hash/,
    );
    assert.throws(
      () => pinnedCA(chain.slice(0, 1), "hub.example", hash),
      /do not match the CA hash/,
    );
    assert.throws(
      () => pinnedCA([other[0]!, chain[1]!], "localhost", hash),
      /not issued by the pinned CA/,
    );
    assert.throws(() => pinnedCA(chain, "evil.example", hash), /not valid for evil.example/);
  });
});
