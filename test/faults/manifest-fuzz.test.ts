// Fuzzes the manifest validator (the agent's parser, and the hub's apply path built on it) with
// a corpus of real manifests mutated thousands of ways: every case must parse or be refused with
// a ManifestError saying what is wrong (naming the field when the YAML itself is sound) — never
// another exception, never a hang. Seeded, so a failure reproduces with FUZZ_SEED.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse, stringify } from "yaml";
import { isManifestError, parseManifest, parseManifestObject } from "../../agent/pods/manifest.js";
import { parseManifestDocuments } from "../../hub/api/manifest-documents.js";
import { validDaemonSet } from "../../hub/api/daemonset-manifest.js";
import { REPO } from "../support/cli-process.js";
import { Prng, fuzzSeed, mutateBytes } from "../support/fuzz.js";

const CORPUS = [
  "examples/log-tailer.yaml",
  "agent/pods/fixtures/fluentd-elasticsearch.yaml",
  "agent/pods/fixtures/node-exporter.yaml",
].map((file) => {
  const text = readFileSync(path.join(REPO, file), "utf8");
  return { file, text, value: parse(text) as Json };
});
const CASES = Number(process.env["FUZZ_CASES"] ?? 3000);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Odd values a field can be given: wrong types, edges of ranges, sizes past any sane limit. */
function oddValue(rng: Prng): Json {
  const values: (() => Json)[] = [
    () => null,
    () => true,
    () => 0,
    () => -1,
    () => 0.5,
    () => 1e308,
    () => -2147483649,
    () => Number.MAX_SAFE_INTEGER + 2,
    () => "",
    () => " ",
    () => "../../etc/passwd",
    () => "NaN",
    () => "a".repeat(100_000),
    () => "\u0000\u202e\ud83d",
    () => [],
    () => Array.from({ length: 1000 }, (_, i) => i),
    () => ({}),
    () => ({ "": "" }),
    () => nested(200),
    () => "$(HOME)$(HOME",
    () => "1Gi",
    () => "-5m",
  ];
  return rng.pick(values)();
}

function nested(depth: number): Json {
  let value: Json = "deep";
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? { x: value } : [value];
  return value;
}

/** A random node of the document, with a way to replace or remove it. */
function randomSlot(rng: Prng, root: Json): { set(v: Json): void; remove(): void } | undefined {
  let parent: Json = root;
  let key: string | number | undefined;
  for (let depth = 0; depth < 12; depth++) {
    const node: Json = key === undefined ? parent : child(parent, key);
    if (node === null || typeof node !== "object") break;
    const keys: (string | number)[] = Array.isArray(node)
      ? node.map((_, i) => i)
      : Object.keys(node);
    if (keys.length === 0 || (key !== undefined && rng.next() < 0.25)) break;
    if (key !== undefined) parent = node;
    key = rng.pick(keys);
  }
  if (key === undefined || parent === null || typeof parent !== "object") return undefined;
  const p = parent as Record<string | number, Json> | Json[];
  const k = key;
  return {
    set: (v) => ((p as Record<string | number, Json>)[k] = v),
    remove: () => (Array.isArray(p) ? p.splice(Number(k), 1) : delete p[k]),
  };
}

function child(node: Json, key: string | number): Json {
  if (node === null || typeof node !== "object") return null;
  return (node as Record<string | number, Json>)[key] ?? null;
}

/** Mutates the parsed document: it stays a sound document, so refusals must name a field. */
function mutateStructure(rng: Prng, value: Json): Json {
  const doc = structuredClone(value);
  const edits = 1 + rng.int(3);
  for (let i = 0; i < edits; i++) {
    const slot = randomSlot(rng, doc);
    if (!slot) continue;
    const what = rng.int(4);
    if (what === 0) slot.remove();
    else if (what === 1) slot.set({ unknownField: oddValue(rng) });
    else slot.set(oddValue(rng));
  }
  return doc;
}

const YAML_SPECIALS = [
  "&a ",
  "*a",
  "!!binary ",
  "<<: *a\n",
  "? ",
  "\t",
  "- ",
  ": ",
  "|\n",
  "'",
  '"',
  "{",
  "[",
  "%YAML 1.1\n",
  "---\n",
  "...\n",
  "#",
  "@",
  "`",
];

/** Mutates the text: anything may break, including the YAML. */
function mutateText(rng: Prng, text: string): string {
  switch (rng.int(4)) {
    case 0:
      return mutateBytes(rng, Buffer.from(text)).toString("utf8");
    case 1: {
      const lines = text.split("\n");
      const at = rng.int(lines.length);
      if (rng.next() < 0.5) lines.splice(at, 1);
      else lines.splice(at, 0, lines[rng.int(lines.length)] ?? "");
      return lines.join("\n");
    }
    case 2: {
      const at = rng.int(text.length);
      return text.slice(0, at) + rng.pick(YAML_SPECIALS) + text.slice(at);
    }
    default:
      // An alias bomb: each level doubles the one before.
      return `a: &a ["x","x"]\n${Array.from({ length: 30 }, (_, i) => `l${i + 1}: &l${i + 1} [*${i === 0 ? "a" : `l${i}`}, *${i === 0 ? "a" : `l${i}`}]`).join("\n")}\n`;
  }
}

interface Outcome {
  parsed: number;
  refused: number;
  failures: string[];
}

/**
 * Runs one input through the agent's parser and the hub's apply validation: as text (YAML
 * parsing included), or as a decoded document, which is what most of the time goes to.
 */
function check(input: string | Json, label: string, needField: boolean, out: Outcome): void {
  const judge = (where: string, fn: () => void) => {
    try {
      fn();
      out.parsed++;
    } catch (error) {
      if (!isManifestError(error)) {
        out.failures.push(`${label} (${where}): ${String(error)}`);
      } else if (
        error.reason === "" ||
        (needField && error.fieldPath === undefined && !rootProblem(error.reason))
      ) {
        out.failures.push(`${label} (${where}): refusal without a field: ${error.message}`);
      } else {
        out.refused++;
      }
    }
  };
  if (typeof input !== "string") {
    judge("agent", () => parseManifestObject(input, "fuzz.yaml"));
    judge("hub", () => {
      const value = dropNulls(input);
      if (typeof value !== "object" || value === null || Array.isArray(value)) return;
      if (value["kind"] === "DaemonSet") validDaemonSet({ source: "document 1", value });
    });
    return;
  }
  judge("agent", () => parseManifest(input, "fuzz.yaml"));
  judge("hub", () => {
    for (const document of parseManifestDocuments(input)) {
      if (document.value["kind"] === "DaemonSet") validDaemonSet(document);
    }
  });
}

/** What the hub's manifest reader does before validation: `field: null` is an unset field. */
function dropNulls(value: Json): Json {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, dropNulls(v)]),
  );
}

/** Problems with the whole document, which have no field to name. */
function rootProblem(reason: string): boolean {
  return /^(must be a (v1 Pod|Kubernetes object)|is empty|holds \d+ documents)/.test(reason);
}

test(
  "mutated real manifests are parsed or refused with a ManifestError, never anything else",
  { timeout: 120_000 },
  (t) => {
    const seed = fuzzSeed();
    const rng = new Prng(seed);
    const out: Outcome = { parsed: 0, refused: 0, failures: [] };
    let slowestMs = 0;
    const started = Date.now();
    for (const { file, text } of CORPUS) check(text, file, true, out);
    assert.deepEqual(out.failures, [], "the unmutated corpus parses");
    for (let i = 0; i < CASES; i++) {
      const { file, text, value } = rng.pick(CORPUS);
      const structural = rng.next() < 0.7;
      let input: string | Json = structural ? mutateStructure(rng, value) : mutateText(rng, text);
      // Some sound documents go through YAML text too, as a file or an apply would bring them.
      if (structural && rng.next() < 0.15)
        input = rng.next() < 0.5 ? stringify(input) : JSON.stringify(input);
      const caseStart = Date.now();
      check(
        input,
        `seed ${seed} case ${i} (${structural ? "structure" : "text"} of ${file})`,
        structural,
        out,
      );
      slowestMs = Math.max(slowestMs, Date.now() - caseStart);
    }
    const summary = `manifest fuzz: seed ${seed}, ${CASES} cases (${2 * CASES} validations): ${out.parsed} parsed, ${out.refused} refused with a ManifestError, ${out.failures.length} failures; slowest case ${slowestMs} ms, all in ${Date.now() - started} ms`;
    t.diagnostic(summary);
    assert.deepEqual(out.failures.slice(0, 10), [], summary);
    assert.ok(out.refused > CASES / 2, "most mutations are refused (the mutator does bite)");
  },
);
