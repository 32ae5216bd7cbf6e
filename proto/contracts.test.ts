import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { CONTRACTS_PATH, compileContracts } from "./compile-contracts.js";

test("contracts.json is the .proto files' descriptor (else run `npm run proto:contracts`)", () => {
  assert.deepEqual(JSON.parse(readFileSync(CONTRACTS_PATH, "utf8")), compileContracts());
});
