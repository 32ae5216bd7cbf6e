// kubectl's label selector syntax (k8s.io/apimachinery labels.Parse), as `-l` takes it:
// `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x,y)`, `a`, `!a`, joined by commas (all must
// hold). Parsed into a LabelSelector of matchExpressions, which hub/store's matcher evaluates, so
// `a!=b` and `a notin (b)` match objects without the label, as in Kubernetes.
import type { LabelSelector, LabelSelectorRequirement } from "kubernetes-types/meta/v1.js";
import { isQualifiedName, isValidLabelValue } from "../placement/index.js";
import { RequestError } from "./request-error.js";

type Operator = "=" | "==" | "!=" | "!" | "(" | ")" | "," | "<" | ">";
type Token = { op: Operator } | { id: string } | { end: true };

// Everything that is not one of these is part of a key or a value.
const SPECIAL = /[\s,()=!<>]/;

function lex(input: string, fail: (what: string) => never): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i] ?? "";
    if (/\s/.test(c)) {
      i++;
    } else if (c === "=" || c === "!") {
      const doubled = input[i + 1] === "=";
      tokens.push({ op: doubled ? (c === "=" ? "==" : "!=") : c });
      i += doubled ? 2 : 1;
    } else if (c === "(" || c === ")" || c === "," || c === "<" || c === ">") {
      tokens.push({ op: c });
      i++;
    } else {
      let end = i;
      while (end < input.length && !SPECIAL.test(input[end] ?? "")) end++;
      if (end === i) fail(`unexpected ${JSON.stringify(c)}`);
      tokens.push({ id: input.slice(i, end) });
      i = end;
    }
  }
  tokens.push({ end: true });
  return tokens;
}

function show(token: Token): string {
  if ("op" in token) return `"${token.op}"`;
  if ("id" in token) return `"${token.id}"`;
  return "the end";
}

/** Parses `-l`'s argument; an empty selector selects everything. */
export function parseLabelSelector(input: string): LabelSelector {
  const fail = (what: string): never => {
    throw new RequestError("Invalid", `invalid label selector ${JSON.stringify(input)}: ${what}`);
  };
  const tokens = lex(input, fail);
  let position = 0;
  const peek = (): Token => tokens[position] ?? { end: true };
  const next = (): Token => tokens[position++] ?? { end: true };
  const isOp = (token: Token, op: Operator) => "op" in token && token.op === op;

  const key = (): string => {
    const token = next();
    if (!("id" in token)) return fail(`expected a label key, found ${show(token)}`);
    if (!isQualifiedName(token.id)) return fail(`${JSON.stringify(token.id)} is not a label key`);
    return token.id;
  };
  // A value may be empty (`a=`, `a in (x,)`), as in kubectl.
  const value = (): string => {
    const token = peek();
    if (!("id" in token)) return "";
    position++;
    if (!isValidLabelValue(token.id)) fail(`${JSON.stringify(token.id)} is not a label value`);
    return token.id;
  };
  const valueSet = (operator: string): string[] => {
    if (!isOp(next(), "(")) fail(`expected "(" after ${operator}`);
    if (isOp(peek(), ")")) fail(`${operator} needs at least one value`);
    const values: string[] = [];
    for (;;) {
      values.push(value());
      const token = next();
      if (isOp(token, ")")) return values;
      if (!isOp(token, ","))
        fail(`expected "," or ")" in the values of ${operator}, found ${show(token)}`);
    }
  };
  const requirement = (): LabelSelectorRequirement => {
    if (isOp(peek(), "!")) {
      position++;
      return { key: key(), operator: "DoesNotExist" };
    }
    const name = key();
    const token = peek();
    if ("end" in token || isOp(token, ",")) return { key: name, operator: "Exists" };
    position++;
    if (isOp(token, "=") || isOp(token, "=="))
      return { key: name, operator: "In", values: [value()] };
    if (isOp(token, "!=")) return { key: name, operator: "NotIn", values: [value()] };
    if ("id" in token && token.id === "in")
      return { key: name, operator: "In", values: valueSet("in") };
    if ("id" in token && token.id === "notin") {
      return { key: name, operator: "NotIn", values: valueSet("notin") };
    }
    if (isOp(token, "<") || isOp(token, ">")) return fail("< and > are not supported here");
    return fail(`expected an operator after ${JSON.stringify(name)}, found ${show(token)}`);
  };

  if ("end" in peek()) return {};
  const matchExpressions: LabelSelectorRequirement[] = [];
  for (;;) {
    matchExpressions.push(requirement());
    const token = next();
    if ("end" in token) return { matchExpressions };
    if (!isOp(token, ",")) fail(`expected "," between requirements, found ${show(token)}`);
  }
}
