// A strict reader of the Prometheus text exposition format (version 0.0.4), for tests: every
// line must be a HELP, a TYPE or a sample of the grammar, names and labels well formed, each
// family typed once and before its samples, counters named *_total, histogram buckets cumulative
// with a +Inf bucket equal to _count. Anything else throws, naming the line.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface MetricFamily {
  name: string;
  type: string;
  help: string;
  samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);
const SUFFIXES: Record<string, string[]> = {
  counter: [""],
  gauge: [""],
  untyped: [""],
  histogram: ["_bucket", "_sum", "_count"],
  summary: ["", "_sum", "_count"],
};

/** As Prometheus reads values (Go's ParseFloat): NaN and Inf in any letter case. */
function parseValue(text: string, line: string): number {
  const special = /^([-+]?)(inf|infinity|nan)$/i.exec(text);
  if (special) {
    if (special[2]?.toLowerCase() === "nan") return NaN;
    return special[1] === "-" ? -Infinity : Infinity;
  }
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) {
    throw new Error(`bad sample value ${JSON.stringify(text)} in: ${line}`);
  }
  return Number(text);
}

function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  const pair = /\s*([^=\s]+)\s*=\s*"((?:[^"\\]|\\["\\n])*)"\s*(,|$)/y;
  let at = 0;
  while (at < text.length) {
    pair.lastIndex = at;
    const m = pair.exec(text);
    if (!m) throw new Error(`bad labels in: ${line}`);
    const [, key = "", raw = ""] = m;
    if (!LABEL.test(key) || key.startsWith("__"))
      throw new Error(`bad label name ${key} in: ${line}`);
    if (key in labels) throw new Error(`label ${key} twice in: ${line}`);
    labels[key] = raw.replace(/\\(["\\n])/g, (_, c: string) => (c === "n" ? "\n" : c));
    at = pair.lastIndex;
  }
  return labels;
}

export function parsePrometheusText(text: string): Map<string, MetricFamily> {
  if (!text.endsWith("\n")) throw new Error("the exposition must end with a newline");
  const families = new Map<string, MetricFamily>();
  let current: MetricFamily | undefined;
  for (const line of text.slice(0, -1).split("\n")) {
    if (line === "") continue;
    const comment = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (comment) {
      const [, kind, name = "", rest = ""] = comment;
      if (!NAME.test(name)) throw new Error(`bad metric name in: ${line}`);
      let family = families.get(name);
      if (!family) {
        family = { name, type: "untyped", help: "", samples: [] };
        families.set(name, family);
      } else if (family !== current) {
        throw new Error(`family ${name} is split in two in: ${line}`);
      }
      if (kind === "TYPE") {
        if (!TYPES.has(rest)) throw new Error(`bad type in: ${line}`);
        if (family.samples.length > 0) throw new Error(`TYPE after samples in: ${line}`);
        family.type = rest;
      } else family.help = rest;
      current = family;
      continue;
    }
    if (line.startsWith("#")) continue;
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)( -?\d+)?$/.exec(line);
    if (!sample) throw new Error(`not a sample line: ${line}`);
    const [, name = "", labels = "", value = ""] = sample;
    const family = current;
    if (!family || !SUFFIXES[family.type]?.some((s) => `${family.name}${s}` === name)) {
      throw new Error(`sample ${name} outside its family in: ${line}`);
    }
    family.samples.push({
      name,
      labels: parseLabels(labels, line),
      value: parseValue(value, line),
    });
  }
  for (const family of families.values()) check(family);
  return families;
}

function check(family: MetricFamily): void {
  if (family.type === "counter" && !family.name.endsWith("_total")) {
    throw new Error(`counter ${family.name} is not named *_total`);
  }
  if (family.type !== "histogram") return;
  const series = new Map<string, Sample[]>();
  for (const s of family.samples.filter((x) => x.name.endsWith("_bucket"))) {
    const { le, ...rest } = s.labels;
    if (le === undefined) throw new Error(`${family.name} bucket without le`);
    const key = JSON.stringify(rest);
    series.set(key, [...(series.get(key) ?? []), s]);
  }
  for (const [key, buckets] of series) {
    for (let i = 1; i < buckets.length; i++) {
      if ((buckets[i]?.value ?? 0) < (buckets[i - 1]?.value ?? 0)) {
        throw new Error(`${family.name}${key}: buckets not cumulative`);
      }
    }
    const inf = buckets.at(-1);
    const count = family.samples.find(
      (s) => s.name === `${family.name}_count` && JSON.stringify(s.labels) === key,
    );
    if (inf?.labels["le"] !== "+Inf" || count === undefined || count.value !== inf.value) {
      throw new Error(`${family.name}${key}: +Inf bucket missing or not equal to _count`);
    }
  }
}
