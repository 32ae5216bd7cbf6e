/** An engine that accepts the connection but never answers is as down as one that refuses it. */
export const ENGINE_DEADLINE_MS = 30_000;

/** Rejects when `work` has not settled within `ms`; the work itself is left to finish or fail. */
export function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`container engine did not answer within ${ms / 1000} s`)),
      ms,
    );
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
