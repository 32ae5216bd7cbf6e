import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { environmentOfUnit, nodeArgsOfExecStart } from "./shipped-agent.js";

describe("nodeArgsOfExecStart", () => {
  it("takes the flags between env's node and the script", () => {
    const unit =
      "[Service]\nExecStart=/usr/bin/env node --max-opt=1 --foo /usr/local/bin/daemonlet agent --config x\n";
    assert.deepEqual(nodeArgsOfExecStart(unit), ["--max-opt=1", "--foo"]);
  });

  it("gives none when the script runs directly, or node has no flags", () => {
    assert.deepEqual(
      nodeArgsOfExecStart("ExecStart=/usr/local/bin/daemonlet agent --config x"),
      [],
    );
    assert.deepEqual(
      nodeArgsOfExecStart("ExecStart=/usr/bin/env node /usr/local/bin/daemonlet agent"),
      [],
    );
    assert.deepEqual(nodeArgsOfExecStart("[Service]\n"), []);
  });
});

describe("environmentOfUnit", () => {
  it("takes each Environment= line's name and value", () => {
    const unit =
      "[Service]\nEnvironment=NODE_ENV=production\n# Environment=NO=1\nEnvironment=NODE_OPTIONS=--a=1 --b\n";
    assert.deepEqual(environmentOfUnit(unit), {
      NODE_ENV: "production",
      NODE_OPTIONS: "--a=1 --b",
    });
  });
});
