/** A mistake on the command line, told to the operator as `error: …` like any refusal. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
