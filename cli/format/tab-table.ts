// Columns laid out the way kubectl's printers configure Go's text/tabwriter (minimum width 6,
// padding 3, spaces): every column but the last is as wide as its widest cell plus three, and at
// least six; the last column is not padded, so lines carry no trailing spaces.

const MIN_WIDTH = 6;
const PADDING = 3;

/** Width in characters, as tabwriter counts runes rather than UTF-16 code units. */
function width(cell: string): number {
  return [...cell].length;
}

export function formatTable(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.slice(0, -1).forEach((cell, column) => {
      widths[column] = Math.max(widths[column] ?? MIN_WIDTH, width(cell) + PADDING);
    });
  }
  return rows
    .map((row) =>
      row
        .map((cell, column) =>
          column === row.length - 1 ? cell : cell + " ".repeat((widths[column] ?? 0) - width(cell)),
        )
        .join(""),
    )
    .map((line) => `${line}\n`)
    .join("");
}
