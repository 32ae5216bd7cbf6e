import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { loadHubConfig } from "./config.js";

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe("loadHubConfig", () => {
  it("needs TLS or an explicit --insecure, and not both", async () => {
    await assert.rejects(loadHubConfig(undefined, {}), /needs TLS .*--insecure/);
    await assert.rejects(
      loadHubConfig(undefined, { insecure: true, initPki: true }),
      /--insecure and TLS exclude each other/,
    );
    await assert.rejects(loadHubConfig(undefined, { tlsCert: "/c.pem" }), /--tls-key go together/);
    assert.equal((await loadHubConfig(undefined, { initPki: true })).initPki, true);
    assert.equal((await loadHubConfig(undefined, { insecure: true })).insecure, true);
  });

  it("reads a YAML file, flags over it, and names the file and key that are wrong", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "daemonlet-hubconf-"));
    dirs.push(dir);
    const file = path.join(dir, "hub.yaml");
    await writeFile(
      file,
      "dataDir: /srv/hub\ninitPki: true\npkiNames: [hub.lab]\nlisten: 0.0.0.0:9460\n",
    );
    const config = await loadHubConfig(file, { listen: "127.0.0.1:7460" });
    assert.equal(config.dataDir, "/srv/hub");
    assert.deepEqual(config.pkiNames, ["hub.lab"]);
    assert.equal(config.listen, "127.0.0.1:7460");
    await writeFile(file, "initPki: true\nlisten: nowhere\n");
    await assert.rejects(loadHubConfig(file, {}), new RegExp(`${file}.*listen: must be HOST:PORT`));
  });
});
