// A line diff for small texts (pod templates as YAML): the longest common subsequence, printed as
// `- `/`+ ` lines with a few lines of context around each change, hunks separated by `...`.

type Line = { op: " " | "-" | "+"; text: string };

function diffLines(a: readonly string[], b: readonly string[]): Line[] {
  // lcs[i][j]: the longest common subsequence of a[i..] and b[j..].
  const lcs = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] =
        a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const lines: Line[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      lines.push({ op: " ", text: a[i++]! });
      j++;
    } else if (i < a.length && (j === b.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      lines.push({ op: "-", text: a[i++]! });
    } else {
      lines.push({ op: "+", text: b[j++]! });
    }
  }
  return lines;
}

/** "" when the texts are equal. */
export function lineDiff(before: string, after: string, context = 3): string {
  const split = (text: string) => (text === "" ? [] : text.replace(/\n$/, "").split("\n"));
  const lines = diffLines(split(before), split(after));
  const changed = lines.map((l, i) => (l.op === " " ? -1 : i)).filter((i) => i >= 0);
  if (changed.length === 0) return "";
  const shown = new Set<number>();
  for (const i of changed) {
    for (let k = Math.max(0, i - context); k <= Math.min(lines.length - 1, i + context); k++) {
      shown.add(k);
    }
  }
  let out = "";
  let last = -1;
  for (const i of [...shown].sort((x, y) => x - y)) {
    if (last >= 0 && i > last + 1) out += "...\n";
    const line = lines[i]!;
    out += `${line.op === " " ? " " : line.op} ${line.text}\n`;
    last = i;
  }
  return out;
}
