// Kubernetes's back-off for failed daemon pods: a pod that fails on a node (a node that rejects
// it for resources, say) is replaced after 1 s, then 2 s, 4 s … up to 15 min, so a node that
// keeps failing the pod does not churn the store. Per DaemonSet and node.

const INITIAL_MS = 1000;
const MAX_MS = 15 * 60_000;

export class FailedPodBackoff {
  private readonly entries = new Map<string, { delayMs: number; at: number }>();

  /** True when the failed pod may be replaced now (and the next delay doubles). */
  mayReplace(key: string, now: number): boolean {
    const entry = this.entries.get(key);
    if (entry && now - entry.at < entry.delayMs) return false;
    // A node quiet for twice the longest delay starts again from the first.
    const fresh = !entry || now - entry.at > 2 * MAX_MS;
    this.entries.set(key, {
      delayMs: fresh ? INITIAL_MS : Math.min(entry.delayMs * 2, MAX_MS),
      at: now,
    });
    return true;
  }
}
