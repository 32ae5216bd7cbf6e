import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { AuthStore } from "./auth-store.js";

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function store(opts: { staticToken?: string; now?: () => Date } = {}): Promise<AuthStore> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "daemonlet-auth-"));
  dirs.push(dir);
  return new AuthStore(dir, opts.staticToken, opts.now);
}

describe("AuthStore", () => {
  it("exchanges a join token for a credential that names its node", async () => {
    const auth = await store();
    const { token } = auth.createToken();
    const joined = auth.join(token, "web1");
    assert.ok("credential" in joined);
    assert.equal(auth.nodeForCredential(joined.credential), "web1");
    assert.equal(auth.nodeForCredential(token), undefined, "a join token is no credential");
    assert.equal(auth.nodeForCredential(`${joined.credential}x`), undefined);
  });

  it("lets one token join many nodes but never the same node twice", async () => {
    const auth = await store();
    const { token } = auth.createToken();
    assert.ok("credential" in auth.join(token, "web1"));
    assert.ok("credential" in auth.join(token, "web2"));
    const again = auth.join(token, "web1");
    assert.ok("reason" in again && again.reason === "AlreadyJoined");
    assert.match(again.message, /daemonlet node revoke web1/);
  });

  it("refuses unknown, malformed, deleted and expired tokens", async () => {
    let now = new Date("2026-01-01T00:00:00Z");
    const auth = await store({ now: () => now });
    const short = auth.createToken({ ttlSeconds: 60 });
    const gone = auth.createToken();
    assert.ok(auth.deleteToken(gone.id));
    const wrongSecret = `${short.id}.0000000000000000`;
    for (const [token, why] of [
      ["nonsense-but-long-enough", /not a join token/],
      [wrongSecret, /unknown join token/],
      [gone.token, /unknown join token/],
    ] as const) {
      const refused = auth.join(token, "web1");
      assert.ok("reason" in refused && refused.reason === "BadToken");
      assert.match(refused.message, why);
    }
    now = new Date(now.getTime() + 61_000);
    const expired = auth.join(short.token, "web1");
    assert.ok("reason" in expired);
    assert.match(expired.message, /expired at 2026-01-01T00:01:00/);
    assert.equal(auth.pruneExpired(), 1);
    assert.deepEqual(auth.listTokens(), []);
  });

  it("accepts the hub's static token and lists tokens without secrets", async () => {
    const auth = await store({ staticToken: "a-static-token-of-some-length" });
    assert.ok("credential" in auth.join("a-static-token-of-some-length", "web1"));
    const created = auth.createToken({ ttlSeconds: 3600, description: "rack 4" });
    const [listed] = auth.listTokens();
    assert.equal(listed?.id, created.id);
    assert.equal(listed?.description, "rack 4");
    assert.ok(listed?.expiresAt);
    assert.equal(JSON.stringify(listed).includes(created.token), false);
  });

  it("revokes a node: its credential stops working and listeners hear of it", async () => {
    const auth = await store();
    const joined = auth.join(auth.createToken().token, "web1");
    assert.ok("credential" in joined);
    const heard: string[] = [];
    auth.onRevoked((n) => heard.push(n));
    assert.ok(auth.revoke("web1"));
    assert.equal(auth.revoke("web1"), false);
    assert.equal(auth.nodeForCredential(joined.credential), undefined);
    assert.deepEqual(heard, ["web1"]);
    assert.ok("credential" in auth.join(auth.createToken().token, "web1"), "may join again");
  });
});
