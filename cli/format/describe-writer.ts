// The building blocks of `describe`, after kubectl's describe.go: a writer with kubectl's
// indentation levels whose text is laid out by tabwriter, and the multi-line forms kubectl uses
// for labels, annotations, taints and tolerations.
import type { Taint, Toleration } from "kubernetes-types/core/v1.js";
import { tabwrite } from "./tabwriter.js";
import { byText } from "./text-order.js";

/** kubectl's LEVEL_0 … LEVEL_3: two spaces per level. */
export type Level = 0 | 1 | 2 | 3;

export class DescribeWriter {
  private text = "";

  /** Appends `text` after the level's indentation; cells are separated by tabs. */
  write(level: Level, text: string): void {
    this.text += "  ".repeat(level) + text;
  }

  /** The laid-out output, as kubectl prints it. */
  toString(): string {
    return tabwrite(this.text);
  }
}

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * Go's RFC1123Z, the form describe prints times in (`Mon, 06 May 2024 10:00:00 +0000`), in UTC
 * so output is the same wherever the CLI runs.
 */
export function describeTime(timestamp: string | undefined): string {
  const time = timestamp === undefined ? NaN : Date.parse(timestamp);
  if (Number.isNaN(time)) return "<unknown>";
  const d = new Date(time);
  const two = (n: number) => String(n).padStart(2, "0");
  return (
    `${DAYS[d.getUTCDay()]}, ${two(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ` +
    `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`
  );
}

/** `Title:  k=v` then one `k=v` per line under it; `<none>` when empty. */
export function writeLabels(
  w: DescribeWriter,
  title: string,
  labels: Record<string, string> | undefined,
): void {
  w.write(0, `${title}:\t`);
  const keys = Object.keys(labels ?? {}).sort(byText);
  if (keys.length === 0) w.write(0, "<none>\n");
  keys.forEach((key, i) => w.write(0, `${i === 0 ? "" : "\t"}${key}=${labels?.[key] ?? ""}\n`));
}

// kubectl folds longer annotations onto lines of their own and cuts them at this length.
const MAX_ANNOTATION_LENGTH = 140;
// Large and machine-written; kubectl leaves it out of describe.
const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}...` : text;
}

/** `Title:  key: value`, one per line, long or multi-line values folded under their key. */
export function writeAnnotations(
  w: DescribeWriter,
  title: string,
  annotations: Record<string, string> | undefined,
): void {
  w.write(0, `${title}:\t`);
  const keys = Object.keys(annotations ?? {})
    .filter((key) => key !== LAST_APPLIED)
    .sort(byText);
  if (keys.length === 0) w.write(0, "<none>\n");
  keys.forEach((key, i) => {
    if (i !== 0) w.write(0, "\t");
    const value = (annotations?.[key] ?? "").replace(/\n$/, "");
    if (value.length + key.length + 2 > MAX_ANNOTATION_LENGTH || value.includes("\n")) {
      w.write(0, `${key}:\n`);
      for (const line of value.split("\n")) {
        w.write(0, `\t  ${shorten(line, MAX_ANNOTATION_LENGTH - 2)}\n`);
      }
    } else {
      w.write(0, `${key}: ${value}\n`);
    }
  });
}

/** Kubernetes's Taint.ToString: `key=value:Effect`, `key:Effect`. */
export function taintText({ key, value, effect }: Taint): string {
  return `${key}${value ? `=${value}` : ""}${effect ? `:${effect}` : ""}`;
}

/** `Taints:  k=v:Effect` …, sorted by effect then key, as kubectl sorts them. */
export function writeTaints(w: DescribeWriter, taints: readonly Taint[] | undefined): void {
  w.write(0, "Taints:\t");
  const sorted = [...(taints ?? [])].sort((a, b) =>
    byText(`${a.effect},${a.key}`, `${b.effect},${b.key}`),
  );
  if (sorted.length === 0) w.write(0, "<none>\n");
  sorted.forEach((taint, i) => w.write(0, `${i === 0 ? "" : "\t"}${taintText(taint)}\n`));
}

function tolerationText({ key, value, effect, operator, tolerationSeconds }: Toleration): string {
  let text = `${key ?? ""}${value ? `=${value}` : ""}${effect ? `:${effect}` : ""}`;
  if (operator === "Exists" && !value) text += key || effect ? " op=Exists" : "op=Exists";
  if (tolerationSeconds !== undefined) text += ` for ${tolerationSeconds}s`;
  return text;
}

/** `Title:  key:Effect op=Exists` …, sorted by key. */
export function writeTolerations(
  w: DescribeWriter,
  title: string,
  tolerations: readonly Toleration[] | undefined,
): void {
  w.write(0, `${title}:\t`);
  const sorted = [...(tolerations ?? [])].sort((a, b) => byText(a.key ?? "", b.key ?? ""));
  if (sorted.length === 0) w.write(0, "<none>\n");
  sorted.forEach((t, i) => w.write(0, `${i === 0 ? "" : "\t"}${tolerationText(t)}\n`));
}
