// Exec exit codes as the engine's event stream reports them (Docker's `exec_die` carries
// `exitCode` in its attributes), so an exec probe need not inspect its exec for the code. Only
// a stream that is up can be waited on; without one, or when the event is late or carries no
// code, the caller inspects as before.

/** One exec whose exit is awaited; registered before the exec starts, so no event is missed. */
export interface ExitExpectation {
  /**
   * The exit code from the exec's event, waiting at most `waitMs` for it; undefined when no
   * stream is up, none came in time, the stream went down meanwhile, or it carried no code.
   */
  exitCode(waitMs: number): Promise<number | undefined>;
  /** Forgets the exec (its code was not wanted, or came another way). */
  cancel(): void;
}

interface Entry {
  /** Set when the event came before anyone waited: a number, or null for "no code". */
  code?: number | null;
  settle?: (code: number | undefined) => void;
}

export class ExecExits {
  private streams = 0;
  private readonly entries = new Map<string, Entry>();

  /** An event stream that carries this node's exec exits is up. */
  streamUp(): void {
    this.streams++;
  }

  /** One such stream ended: with none left, nobody waits for an event that may never come. */
  streamDown(): void {
    this.streams = Math.max(0, this.streams - 1);
    if (this.streams > 0) return;
    for (const entry of this.entries.values()) entry.settle?.(undefined);
  }

  /** Whether waiting for an event is worth it. */
  get live(): boolean {
    return this.streams > 0;
  }

  /** From the stream: the exec ended, with this code, or with none the engine gave. */
  exited(execId: string, code: number | undefined): void {
    const entry = this.entries.get(execId);
    if (entry === undefined) return; // someone else's exec
    if (entry.settle) entry.settle(code);
    else entry.code = code ?? null;
  }

  expect(execId: string): ExitExpectation {
    const entry: Entry = {};
    this.entries.set(execId, entry);
    const forget = () => {
      if (this.entries.get(execId) === entry) this.entries.delete(execId);
    };
    return {
      exitCode: (waitMs) => {
        if (entry.code !== undefined) {
          forget();
          return Promise.resolve(entry.code ?? undefined);
        }
        if (!this.live || waitMs <= 0) {
          forget();
          return Promise.resolve(undefined);
        }
        return new Promise<number | undefined>((resolve) => {
          const timer = setTimeout(() => entry.settle?.(undefined), waitMs);
          entry.settle = (code) => {
            clearTimeout(timer);
            forget();
            resolve(code);
          };
        });
      },
      cancel: forget,
    };
  }
}

/** The exit code in an `exec_die` event's attributes (a decimal string), if it is one. */
export function exitCodeAttribute(value: unknown): number | undefined {
  if (typeof value !== "string" || !/^-?\d{1,10}$/.test(value)) return undefined;
  return Number(value);
}
