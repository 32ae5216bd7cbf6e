// What went wrong, in words, whatever was thrown: an Error's message, else the value as text.
export function errorMessage(thrown: unknown): string {
  return thrown instanceof Error ? thrown.message : String(thrown);
}
