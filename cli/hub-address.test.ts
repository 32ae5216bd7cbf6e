import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { hubConnection } from "./hub-address.js";

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

const CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
const TOKEN = `dladmin1.${"a".repeat(43)}`;

async function adminConf(text: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "daemonlet-admin-"));
  dirs.push(dir);
  const file = path.join(dir, "admin.conf");
  await writeFile(file, text);
  return file;
}

describe("hubConnection", () => {
  it("is plain at the flag's, the environment's or the default address without a credential", async () => {
    assert.deepEqual(await hubConnection({ hub: "10.0.0.1:7461" }, {}), {
      address: "10.0.0.1:7461",
    });
    assert.deepEqual(await hubConnection({}, { DAEMONLET_HUB: "10.0.0.2:7461" }), {
      address: "10.0.0.2:7461",
    });
  });

  it("takes server, CA and token from the admin config; --hub still picks the address", async () => {
    const file = await adminConf(
      `server: 127.0.0.1:9999\nca: |\n  ${CA.trim().replace(/\n/g, "\n  ")}\ntoken: ${TOKEN}\n`,
    );
    const fromFile = await hubConnection({ adminConfig: file }, {});
    assert.equal(fromFile.address, "127.0.0.1:9999");
    assert.equal(fromFile.admin?.token, TOKEN);
    assert.match(fromFile.admin?.ca ?? "", /BEGIN CERTIFICATE/);
    const fromEnv = await hubConnection({ hub: "hub.lab:7461" }, { DAEMONLET_ADMIN_CONFIG: file });
    assert.equal(fromEnv.address, "hub.lab:7461");
    assert.equal(fromEnv.admin?.token, TOKEN);
  });

  it("names the file and the key that is wrong", async () => {
    const file = await adminConf(`server: 127.0.0.1:9999\nca: nope\ntoken: short\n`);
    await assert.rejects(hubConnection({ adminConfig: file }, {}), (e: Error) => {
      assert.match(e.message, new RegExp(`${file}: not an admin config: ca: .*token: `));
      return true;
    });
  });
});
