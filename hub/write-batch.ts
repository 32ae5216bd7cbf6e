// Store writes that may wait until the end of the event-loop turn, committed together: ten
// thousand agents reporting their pods' status cost a hundred commits instead of ten thousand
// (a commit, not the write, was the largest single cost of a rollout at that scale). Each job
// runs in its own savepoint, so one that fails leaves the others' writes in place.
import type { Store } from "./store/index.js";

interface Job {
  write: () => void;
  failed: (error: unknown) => void;
}

export class WriteBatch {
  private jobs: Job[] = [];
  private scheduled = false;

  constructor(private readonly store: Store) {}

  /** Runs `write` in this turn's batch; `failed` hears if it threw or the batch did not commit. */
  add(write: () => void, failed: (error: unknown) => void): void {
    this.jobs.push({ write, failed });
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    const jobs = this.jobs;
    this.jobs = [];
    this.scheduled = false;
    const failures: [Job, unknown][] = [];
    try {
      this.store.transaction(() => {
        for (const job of jobs) {
          try {
            this.store.transaction(job.write);
          } catch (error) {
            failures.push([job, error]);
          }
        }
      });
    } catch (error) {
      for (const job of jobs) job.failed(error);
      return;
    }
    for (const [job, error] of failures) job.failed(error);
  }
}
