import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import {
  credentialsFromConfig,
  isRegistryAuthError,
  RegistryAuthFile,
  type RegistryAuthError,
} from "./registry-auth.js";

const FILE = "/etc/daemonlet/registry-auth.json";
const b64 = (s: string) => Buffer.from(s).toString("base64");

const config = (auths: Record<string, unknown>) => JSON.stringify({ auths });

function refused(text: string, image: string): RegistryAuthError {
  try {
    credentialsFromConfig(text, FILE, image);
  } catch (e) {
    assert.ok(isRegistryAuthError(e), `a RegistryAuthError, got ${String(e)}`);
    assert.equal(e.file, FILE);
    assert.ok(e.message.startsWith(`registry auth file ${FILE}: `), e.message);
    return e;
  }
  return assert.fail("expected a RegistryAuthError");
}

describe("credentialsFromConfig", () => {
  it("decodes the base64 auth of the entry for the image's registry", () => {
    const text = config({
      "quay.io": { auth: b64("robot:pa:ss") },
      "127.0.0.1:5000": { auth: b64("other:x") },
    });
    assert.deepEqual(credentialsFromConfig(text, FILE, "quay.io/prometheus/node-exporter:v1"), {
      username: "robot",
      password: "pa:ss",
      serverAddress: "quay.io",
    });
  });

  it("takes username and password when there is no auth", () => {
    const text = config({ "127.0.0.1:5000": { username: "u", password: "p" } });
    assert.deepEqual(credentialsFromConfig(text, FILE, "127.0.0.1:5000/test/busybox:1"), {
      username: "u",
      password: "p",
      serverAddress: "127.0.0.1:5000",
    });
  });

  it("prefers auth over username and password, as Docker's client does", () => {
    const text = config({ "r.example": { auth: b64("a:1"), username: "b", password: "2" } });
    assert.equal(credentialsFromConfig(text, FILE, "r.example/x")?.username, "a");
  });

  it("matches keys written as URLs, by host and port", () => {
    const text = config({ "https://R.example:8443/v2/": { auth: b64("u:p") } });
    assert.equal(credentialsFromConfig(text, FILE, "r.example:8443/x:1")?.username, "u");
    assert.equal(credentialsFromConfig(text, FILE, "r.example/x:1"), undefined, "port differs");
  });

  const hub: [string, string][] = [
    ["https://index.docker.io/v1/", "busybox:1.36"],
    ["docker.io", "prom/node-exporter"],
    ["registry-1.docker.io", "docker.io/library/nginx"],
    ["index.docker.io", "index.docker.io/library/nginx"],
  ];
  for (const [key, image] of hub) {
    it(`uses the Docker Hub entry "${key}" for ${image}`, () => {
      const got = credentialsFromConfig(config({ [key]: { auth: b64("hub:pw") } }), FILE, image);
      assert.deepEqual(got, { username: "hub", password: "pw", serverAddress: "docker.io" });
    });
  }

  it("pulls anonymously when no entry matches the registry", () => {
    const text = config({ "quay.io": { auth: b64("u:p") } });
    assert.equal(credentialsFromConfig(text, FILE, "busybox:1.36"), undefined);
    assert.equal(credentialsFromConfig("{}", FILE, "quay.io/x"), undefined);
  });

  it("ignores the keys of a real config.json that are not auths", () => {
    const text = JSON.stringify({
      auths: { "quay.io": { auth: b64("u:p"), email: "a@b" } },
      credsStore: "desktop",
      HttpHeaders: { "User-Agent": "x" },
    });
    assert.equal(credentialsFromConfig(text, FILE, "quay.io/x")?.password, "p");
  });

  it("refuses text that is not JSON, naming the file", () => {
    assert.match(refused("{auths:", "busybox").message, /not JSON/);
  });

  it("refuses a file whose auths are not objects, naming the key", () => {
    assert.match(refused(config({ "quay.io": "u:p" }), "busybox").message, /auths\.quay\.io: /);
    assert.match(refused(JSON.stringify({ auths: [] }), "busybox").message, /auths: /);
  });

  it("refuses an auth that is not base64 of user:password", () => {
    for (const auth of [b64("no-colon"), "not base64!", b64(":empty-user")]) {
      const err = refused(config({ "quay.io": { auth } }), "quay.io/x");
      assert.match(err.message, /auths\["quay\.io"\]\.auth is not base64 of "user:password"/);
    }
  });

  it("refuses a matching entry without credentials (a credential helper's)", () => {
    const err = refused(config({ "quay.io": {} }), "quay.io/x");
    assert.match(err.message, /auths\["quay\.io"\] has neither "auth" nor "username"/);
  });
});

describe("RegistryAuthFile", () => {
  let dir: string;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "daemonlet-registry-auth-"));
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("a missing file means no credentials", async () => {
    const file = new RegistryAuthFile(path.join(dir, "absent.json"));
    assert.equal(await file.credentialsFor("quay.io/x"), undefined);
  });

  it("reads the file at each call, so rotated credentials apply at the next pull", async () => {
    const p = path.join(dir, "auth.json");
    const file = new RegistryAuthFile(p);
    await writeFile(p, config({ "quay.io": { auth: b64("u:old") } }));
    assert.equal((await file.credentialsFor("quay.io/x"))?.password, "old");
    await writeFile(p, config({ "quay.io": { auth: b64("u:new") } }));
    assert.equal((await file.credentialsFor("quay.io/x"))?.password, "new");
  });

  it("a file it cannot read is an error naming it", async () => {
    const file = new RegistryAuthFile(dir);
    await assert.rejects(file.credentialsFor("quay.io/x"), (e: unknown) => {
      assert.ok(isRegistryAuthError(e));
      assert.match(e.message, new RegExp(`^registry auth file ${dir}: .*EISDIR`));
      return true;
    });
  });
});
