// One node-affinity requirement against one node: a `matchExpressions` entry against its labels,
// or a `matchFields` entry against its name. Each check returns why the requirement fails, or
// undefined when it holds, so a term can list every failing requirement at once.
//
// A malformed requirement never matches. Kubernetes rejects it when it parses the term (bad
// operator, value count, integer or label syntax) and the whole term then matches no node; since
// a term ANDs its requirements, "this requirement fails" gives the same answer, and the message
// says what to fix instead of what the node has.
import type { NodeSelectorRequirement } from "kubernetes-types/core/v1.js";
import { describeNodeLabel, labelValue, type Labels } from "./labels.js";
import { isQualifiedName, isValidLabelValue } from "./label-syntax.js";
import { parseInt64 } from "./int64.js";

/** The only field Kubernetes lets `matchFields` select on. */
const NODE_NAME_FIELD = "metadata.name";

/** `zone In [a b]`, the way the manifest spells it. */
function describe(req: NodeSelectorRequirement): string {
  const values = req.values ?? [];
  return values.length === 0
    ? `${req.key} ${req.operator}`
    : `${req.key} ${req.operator} [${values.join(" ")}]`;
}

/** What Kubernetes's `labels.NewRequirement` refuses in this requirement; empty when well formed. */
function labelRequirementProblems(req: NodeSelectorRequirement): string[] {
  const { key, operator } = req;
  const values = req.values ?? [];
  const problems: string[] = [];
  switch (operator) {
    case "In":
    case "NotIn":
      if (values.length === 0) problems.push(`${operator} needs at least one value`);
      break;
    case "Exists":
    case "DoesNotExist":
      if (values.length !== 0) problems.push(`${operator} takes no values`);
      break;
    case "Gt":
    case "Lt":
      if (values.length !== 1) {
        problems.push(`${operator} needs exactly one value, got ${values.length}`);
      }
      for (const v of values) {
        if (parseInt64(v) === undefined) problems.push(`value "${v}" is not an integer`);
      }
      break;
    default:
      // Kubernetes reports only the operator here and skips the key and value checks.
      return [`unknown operator "${operator}" (want In, NotIn, Exists, DoesNotExist, Gt or Lt)`];
  }
  if (!isQualifiedName(key)) problems.push(`key "${key}" is not a valid label key`);
  for (const v of values) {
    if (!isValidLabelValue(v)) {
      problems.push(
        `value "${v}" is not a valid label value (at most 63 letters, digits, '-', '_' or '.', ` +
          `starting and ending with a letter or digit)`,
      );
    }
  }
  return problems;
}

/**
 * Kubernetes's `Requirement.Matches` for a well-formed requirement; `value` is the node's label,
 * undefined when the node has none.
 */
function labelRequirementHolds(req: NodeSelectorRequirement, value: string | undefined): boolean {
  const values = req.values ?? [];
  switch (req.operator) {
    case "In":
      return value !== undefined && values.includes(value);
    case "NotIn":
      // A node without the label is not in the excluded set, so it matches.
      return value === undefined || !values.includes(value);
    case "Exists":
      return value !== undefined;
    case "DoesNotExist":
      return value === undefined;
    case "Gt":
    case "Lt": {
      // A label that is not an integer never matches, in either direction.
      const have = value === undefined ? undefined : parseInt64(value);
      const bound = parseInt64(values[0] ?? "");
      if (have === undefined || bound === undefined) return false;
      return req.operator === "Gt" ? have > bound : have < bound;
    }
    default:
      return false;
  }
}

/** Why a `matchExpressions` requirement fails on a node with these labels; undefined if it holds. */
export function labelRequirementFailure(
  req: NodeSelectorRequirement,
  labels: Labels,
): string | undefined {
  const subject = `expression ${describe(req)}`;
  const problems = labelRequirementProblems(req);
  if (problems.length > 0) return `${subject}: invalid: ${problems.join("; ")}`;
  const value = labelValue(labels, req.key);
  if (labelRequirementHolds(req, value)) return undefined;
  const notInteger =
    (req.operator === "Gt" || req.operator === "Lt") &&
    value !== undefined &&
    parseInt64(value) === undefined;
  return `${subject}: ${describeNodeLabel(labels, req.key)}${notInteger ? ", not an integer" : ""}`;
}

/**
 * Why a `matchFields` requirement fails on the node called `nodeName`; undefined if it holds.
 * Kubernetes allows only `metadata.name` with In or NotIn and exactly one value.
 */
export function fieldRequirementFailure(
  req: NodeSelectorRequirement,
  nodeName: string,
): string | undefined {
  const subject = `field ${describe(req)}`;
  const values = req.values ?? [];
  const problems: string[] = [];
  if (req.key !== NODE_NAME_FIELD) problems.push(`matchFields supports only ${NODE_NAME_FIELD}`);
  if (req.operator !== "In" && req.operator !== "NotIn") {
    problems.push(`unknown operator "${req.operator}" for matchFields (want In or NotIn)`);
  } else if (values.length !== 1) {
    problems.push(`${req.operator} on a field needs exactly one value, got ${values.length}`);
  }
  if (problems.length > 0) return `${subject}: invalid: ${problems.join("; ")}`;
  const isNamed = nodeName === values[0];
  return isNamed === (req.operator === "In") ? undefined : `${subject}: node is ${nodeName}`;
}
