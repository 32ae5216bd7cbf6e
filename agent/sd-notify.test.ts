import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { notifyMessage, watchdogIntervalMs } from "./sd-notify.js";

describe("sd-notify", () => {
  it("feeds the watchdog at half of WatchdogSec, only for its own pid", () => {
    assert.equal(watchdogIntervalMs({ WATCHDOG_USEC: "20000000" }, 7), 10_000);
    assert.equal(watchdogIntervalMs({ WATCHDOG_USEC: "20000000", WATCHDOG_PID: "7" }, 7), 10_000);
    assert.equal(
      watchdogIntervalMs({ WATCHDOG_USEC: "20000000", WATCHDOG_PID: "8" }, 7),
      undefined,
    );
    assert.equal(watchdogIntervalMs({}, 7), undefined);
    assert.equal(watchdogIntervalMs({ WATCHDOG_USEC: "nonsense" }, 7), undefined);
  });

  it("writes KEY=value lines and keeps a value on its line", () => {
    assert.equal(notifyMessage({ READY: "1", STATUS: "3 pods\nok" }), "READY=1\nSTATUS=3 pods ok");
  });
});
