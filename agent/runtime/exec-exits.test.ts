import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ExecExits, exitCodeAttribute } from "./exec-exits.js";

/** Long enough never to run out in these tests: each one settles before by the stream's doing. */
const NEVER_MS = 60_000;

describe("ExecExits", () => {
  it("gives the code of an exec whose event comes while it waits", async () => {
    const exits = new ExecExits();
    exits.streamUp();
    const waiting = exits.expect("e1").exitCode(NEVER_MS);
    exits.exited("e1", 3);
    assert.equal(await waiting, 3);
  });

  it("keeps the code of an event that came before anyone waited", async () => {
    const exits = new ExecExits();
    exits.streamUp();
    const exit = exits.expect("e1");
    exits.exited("e1", 0);
    assert.equal(await exit.exitCode(NEVER_MS), 0);
  });

  it("does not wait without a stream up", async () => {
    const exits = new ExecExits();
    assert.equal(exits.live, false);
    assert.equal(await exits.expect("e1").exitCode(NEVER_MS), undefined);
  });

  it("stops waiting when the last stream goes down", async () => {
    const exits = new ExecExits();
    exits.streamUp();
    exits.streamUp();
    const waiting = exits.expect("e1").exitCode(NEVER_MS);
    exits.streamDown();
    assert.equal(exits.live, true);
    exits.streamDown();
    assert.equal(await waiting, undefined);
    assert.equal(exits.live, false);
  });

  it("gives up after the wait when no event comes", async () => {
    const exits = new ExecExits();
    exits.streamUp();
    assert.equal(await exits.expect("e1").exitCode(1), undefined);
  });

  it("passes on an event without a code as none, at once", async () => {
    const exits = new ExecExits();
    exits.streamUp();
    const waiting = exits.expect("e1").exitCode(NEVER_MS);
    exits.exited("e1", undefined);
    assert.equal(await waiting, undefined);
    const early = exits.expect("e2");
    exits.exited("e2", undefined);
    assert.equal(await early.exitCode(NEVER_MS), undefined);
  });

  it("ignores other execs' events and forgets cancelled ones", async () => {
    const exits = new ExecExits();
    exits.streamUp();
    const first = exits.expect("e1");
    first.cancel();
    exits.exited("e1", 5);
    exits.exited("someone-else", 1);
    const second = exits.expect("e1").exitCode(NEVER_MS);
    exits.exited("e1", 7);
    assert.equal(await second, 7);
  });
});

describe("exitCodeAttribute", () => {
  it("reads the engine's decimal string", () => {
    assert.equal(exitCodeAttribute("0"), 0);
    assert.equal(exitCodeAttribute("137"), 137);
    assert.equal(exitCodeAttribute("-1"), -1);
  });

  it("is undefined for anything else", () => {
    for (const v of [undefined, "", "x", "1.5", 3, null]) {
      assert.equal(exitCodeAttribute(v), undefined);
    }
  });
});
