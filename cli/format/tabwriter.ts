// Go's text/tabwriter as kubectl's `describe` configures it (minimum width 0, padding 2, spaces),
// so our describe output lines up exactly as kubectl's does. Cells end at tabs; a column's width
// is set by the run of consecutive lines that have a cell in it, which is why `Events:  <none>`
// lines up with a `Tolerations:` block above it but not with `Name:` at the top. The last cell
// of a line is never padded.

const PADDING = 2;

/** Width in characters, as tabwriter counts runes rather than UTF-16 code units. */
function width(cell: string): number {
  return [...cell].length;
}

export function tabwrite(text: string): string {
  const lines = text.split("\n").map((line) => line.split("\t"));
  const out: string[] = [];
  const widths: number[] = [];

  const writeLines = (from: number, to: number) => {
    for (const cells of lines.slice(from, to)) {
      out.push(
        cells
          .map((cell, column) => {
            const cellWidth = widths[column];
            return cellWidth === undefined ? cell : cell + " ".repeat(cellWidth - width(cell));
          })
          .join(""),
      );
    }
  };

  // Go's tabwriter.format: find each block of lines that have a cell in this column, size the
  // column to the block, then lay out the columns to its right within the block.
  const format = (first: number, end: number) => {
    const column = widths.length;
    let line0 = first;
    for (let current = first; current < end; current++) {
      if (column >= (lines[current]?.length ?? 0) - 1) continue;
      writeLines(line0, current);
      line0 = current;
      let columnWidth = 0;
      for (; current < end; current++) {
        const cells = lines[current] ?? [];
        if (column >= cells.length - 1) break;
        columnWidth = Math.max(columnWidth, width(cells[column] ?? "") + PADDING);
      }
      widths.push(columnWidth);
      format(line0, current);
      widths.pop();
      line0 = current;
    }
    writeLines(line0, end);
  };

  format(0, lines.length);
  return out.join("\n");
}
