/** Orders strings by UTF-16 code units, as Go's sort.Strings does (not by locale). */
export function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
