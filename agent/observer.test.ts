import { describe, it } from "node:test";
import assert from "node:assert/strict";
import winston from "winston";
import { ContainerObserver } from "./observer.js";
import type { ObservedContainer } from "./runtime/runtime.js";
import { waitFor } from "../test/support/wait.js";

/** An engine whose lists answer only when the test says, in order. */
function slowEngine() {
  const pending: ((containers: ObservedContainer[]) => void)[] = [];
  return {
    pending,
    runtime: {
      list: () => new Promise<ObservedContainer[]>((resolve) => pending.push(resolve)),
      events: () => {},
    },
  };
}

const container = (podUid: string, id: string) =>
  ({ id, podUid, state: "running" }) as ObservedContainer;
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe("ContainerObserver.relist", () => {
  it("follows a relist under way with one more for all who asked meanwhile", async () => {
    const engine = slowEngine();
    const observer = new ContainerObserver(
      engine.runtime,
      "n1",
      winston.createLogger({ silent: true }),
      {
        relistIntervalMs: 60_000,
      },
    );
    const changed: string[] = [];
    observer.onPodChanged((uid) => changed.push(uid));

    const first = observer.relist();
    await turn();
    assert.equal(engine.pending.length, 1);
    // Two events while the engine answers the first: they may not be in its answer.
    const second = observer.relist();
    const third = observer.relist();
    assert.equal(second, third, "one follow-up for both");
    engine.pending[0]!([]);
    assert.equal(await first, true);
    await turn();
    assert.equal(engine.pending.length, 2, "the follow-up asked the engine again");
    engine.pending[1]!([container("a", "a1")]);
    assert.equal(await second, true);
    assert.deepEqual(changed, ["a"]);
    assert.deepEqual(
      observer.containersOf("a").map((c) => c.id),
      ["a1"],
    );
    await turn();
    assert.equal(engine.pending.length, 2, "nothing more once nobody asks");
  });
});

describe("ContainerObserver.engineProblem", () => {
  const logger = winston.createLogger({ silent: true });

  it("is the last relist's failure until one succeeds", async () => {
    let answer: () => Promise<ObservedContainer[]> = () =>
      Promise.reject(new Error("connect ENOENT /var/run/docker.sock"));
    const observer = new ContainerObserver(
      { list: () => answer(), events: () => {} },
      "n1",
      logger,
      { relistIntervalMs: 60_000 },
    );
    assert.equal(observer.engineProblem(), undefined, "no relist yet: nothing known against it");
    assert.equal(await observer.relist(), false);
    assert.equal(observer.engineProblem(), "connect ENOENT /var/run/docker.sock");
    answer = () => Promise.resolve([]);
    assert.equal(await observer.relist(), true);
    assert.equal(observer.engineProblem(), undefined);
  });

  it("counts a relist waiting past the health deadline as an engine that is down", async () => {
    const engine = slowEngine();
    const observer = new ContainerObserver(engine.runtime, "n1", logger, {
      relistIntervalMs: 60_000,
      healthDeadlineMs: 1,
    });
    const relisting = observer.relist();
    const problem = await waitFor(() => observer.engineProblem(), {
      what: "the hung relist to count",
    });
    assert.equal(problem, "container engine did not answer within 0.001 s");
    engine.pending[0]!([]);
    assert.equal(await relisting, true);
    assert.equal(observer.engineProblem(), undefined);
  });
});
