import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { PodCache } from "./pod-cache.js";
import type { ObservedContainer } from "./runtime/runtime.js";

const container = (podUid: string, id: string) => ({ id, podUid }) as ObservedContainer;

/** A relist requested now whose answer is applied by the returned function. */
function relist(cache: PodCache, ...containers: ObservedContainer[]): () => void {
  const at = cache.tick();
  return () => {
    const byPod = new Map<string, ObservedContainer[]>();
    for (const c of containers) byPod.set(c.podUid, [...(byPod.get(c.podUid) ?? []), c]);
    cache.update(at, byPod);
  };
}

describe("PodCache.newerThan", () => {
  it("serves a pod's containers from a listing newer than the worker's last look", () => {
    const cache = new PodCache();
    relist(cache, container("a", "a1"), container("b", "b1"))();
    const snap = cache.newerThan("a", 0);
    assert.deepEqual(
      snap?.containers.map((c) => c.id),
      ["a1"],
    );
    assert.deepEqual(cache.newerThan("c", 0)?.containers, []);
  });

  it("serves the same listing again while nothing happened to the pod", () => {
    const cache = new PodCache();
    relist(cache, container("a", "a1"))();
    const first = cache.newerThan("a", 0);
    assert.ok(first);
    assert.equal(cache.newerThan("a", first.at)?.at, first.at);
  });

  it("does not serve a listing requested before the pod's last action finished", () => {
    const cache = new PodCache();
    relist(cache)();
    cache.acted("a"); // e.g. the worker just created a container
    assert.equal(cache.newerThan("a", 0), undefined);
  });

  it("does not serve a listing in flight during the action, even if it answers after it", () => {
    const cache = new PodCache();
    const answer = relist(cache); // requested while the create is under way
    cache.acted("a");
    answer();
    assert.equal(cache.newerThan("a", 0), undefined);
    relist(cache, container("a", "a1"))();
    assert.deepEqual(
      cache.newerThan("a", 0)?.containers.map((c) => c.id),
      ["a1"],
    );
  });

  it("holds an action against the pod's uid: a new worker for it does not see before it", () => {
    const cache = new PodCache();
    relist(cache, container("a", "a1"))();
    cache.acted("a"); // the previous worker removed a1, then finished
    assert.equal(cache.newerThan("a", 0), undefined, "a fresh worker (seen 0) must list");
  });

  it("leaves other pods served while one pod's action is newer than the listing", () => {
    const cache = new PodCache();
    relist(cache, container("b", "b1"))();
    cache.acted("a");
    assert.ok(cache.newerThan("b", 0));
  });

  it("never goes back before the worker's own listing", () => {
    const cache = new PodCache();
    const older = relist(cache, container("a", "a1"));
    const ownListingAt = cache.tick(); // the worker listed for itself after the relist began
    older();
    assert.equal(cache.newerThan("a", ownListingAt), undefined);
    relist(cache, container("a", "a1"))();
    assert.ok(cache.newerThan("a", ownListingAt));
  });

  it("serves nothing after a failed listing until one succeeds", () => {
    const cache = new PodCache();
    relist(cache, container("a", "a1"))();
    cache.tick();
    cache.listingFailed();
    assert.equal(cache.newerThan("a", 0), undefined);
    assert.deepEqual(
      cache.containersOf("a").map((c) => c.id),
      ["a1"],
      "the last known state stays for views",
    );
    relist(cache, container("a", "a1"))();
    assert.ok(cache.newerThan("a", 0));
  });
});
