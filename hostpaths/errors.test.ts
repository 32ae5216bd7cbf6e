import { test } from "node:test";
import assert from "node:assert/strict";
import { HostPathError, isHostPathError } from "./errors.js";

test("HostPathError: reason first, then the volume; isHostPathError tells it apart", () => {
  const e = new HostPathError("HostPathNotFound", "data", "/data", "/data does not exist");
  assert.equal(e.message, 'HostPathNotFound: volume "data": /data does not exist');
  assert.equal(e.reason, "HostPathNotFound");
  assert.equal(e.path, "/data");
  assert.equal(e.volumeName, "data");
  assert.ok(isHostPathError(e));
  assert.ok(!isHostPathError(new Error(e.message)));
  assert.ok(!isHostPathError({ reason: "HostPathNotFound" }));
  const noVolume = new HostPathError("SubPathInvalid", "", "../x", 'subPath "../x" is bad');
  assert.equal(noVolume.message, 'SubPathInvalid: subPath "../x" is bad');
});
