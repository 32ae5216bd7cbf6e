import { test } from "node:test";
import assert from "node:assert/strict";
import { status } from "@grpc/grpc-js";
import { errorStatus } from "./status.js";
import { StoreUnavailableError } from "../store/index.js";

test("a store that cannot write: FAILED_PRECONDITION with its words, and logged", () => {
  const logged: unknown[] = [];
  const error = new StoreUnavailableError("the hub cannot write to its store x.db: disk is full");
  assert.deepEqual(
    errorStatus(error, (e) => logged.push(e)),
    { code: status.FAILED_PRECONDITION, details: error.message },
  );
  assert.deepEqual(logged, [error]);
});

test("an unexpected error: INTERNAL, and logged", () => {
  const logged: unknown[] = [];
  const got = errorStatus(new Error("boom"), (e) => logged.push(e));
  assert.deepEqual(got, { code: status.INTERNAL, details: "internal error: boom" });
  assert.equal(logged.length, 1);
});
