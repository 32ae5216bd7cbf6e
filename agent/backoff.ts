// Restart back-off with the kubelet's numbers: the first restart is immediate, then 10 s
// doubling to 5 min; a container that ran cleanly for 10 min starts over.
export const BACKOFF_INITIAL_MS = 10_000;
export const BACKOFF_MAX_MS = 300_000;
export const BACKOFF_RESET_AFTER_MS = 600_000;

/** Per-key back-off delays; a key is `${podUid}/${containerName}`. */
export class BackoffTracker {
  private readonly delays = new Map<string, number>();

  delayMs(key: string): number | undefined {
    return this.delays.get(key);
  }

  /** Called when a restart (or a retry after a failure) is carried out: the next one waits longer. */
  recordRestart(key: string): void {
    const current = this.delays.get(key);
    this.delays.set(
      key,
      current === undefined ? BACKOFF_INITIAL_MS : Math.min(current * 2, BACKOFF_MAX_MS),
    );
  }

  reset(key: string): void {
    this.delays.delete(key);
  }

  forgetPod(podUid: string): void {
    for (const key of this.delays.keys()) if (key.startsWith(`${podUid}/`)) this.delays.delete(key);
  }
}

export function backoffKey(podUid: string, containerName: string): string {
  return `${podUid}/${containerName}`;
}
