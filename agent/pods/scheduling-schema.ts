// Placement fields: nodeSelector, node affinity, tolerations and label selectors. The agent does
// not place pods, but the hub does, so they are validated with Kubernetes' rules here too.
import { z } from "zod";
import { labelValue, qualifiedName } from "./field-formats.js";
import { refused } from "./field-policy.js";
import { formatted, intInRange, mapOf } from "./schema-kit.js";

type Ctx = z.RefinementCtx;

function checkValues(
  operator: string,
  values: readonly string[] | undefined,
  ctx: Ctx,
  setOperators: readonly string[],
): void {
  const count = values?.length ?? 0;
  const issue = (message: string) => ctx.addIssue({ code: "custom", message, path: ["values"] });
  if (setOperators.includes(operator)) {
    if (count === 0) issue(`must be non-empty when operator is ${operator}`);
  } else if (operator === "Gt" || operator === "Lt") {
    if (count !== 1 || !/^-?\d+$/.test(values?.[0] ?? "")) {
      issue(`must be a single integer when operator is ${operator}`);
    }
  } else if (count > 0) {
    issue(`must be empty when operator is ${operator}`);
  }
}

export const labelSelectorSchema = z.strictObject({
  matchLabels: mapOf(qualifiedName, formatted(labelValue)).optional(),
  matchExpressions: z
    .array(
      z
        .strictObject({
          key: formatted(qualifiedName),
          operator: z.enum(["In", "NotIn", "Exists", "DoesNotExist"]),
          values: z.array(formatted(labelValue)).optional(),
        })
        .superRefine((r, ctx) => checkValues(r.operator, r.values, ctx, ["In", "NotIn"])),
    )
    .optional(),
});

const nodeSelectorRequirement = z
  .strictObject({
    key: formatted(qualifiedName),
    operator: z.enum(["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"]),
    values: z.array(z.string()).optional(),
  })
  .superRefine((r, ctx) => checkValues(r.operator, r.values, ctx, ["In", "NotIn"]));

// Kubernetes allows matchFields only on the node's name, with one value.
const nodeFieldRequirement = z.strictObject({
  key: z.literal("metadata.name"),
  operator: z.enum(["In", "NotIn"]),
  values: z.array(z.string()).length(1, "must have exactly one value"),
});

const nodeSelectorTerm = z.strictObject({
  matchExpressions: z.array(nodeSelectorRequirement).optional(),
  matchFields: z.array(nodeFieldRequirement).optional(),
});

const nodeAffinity = z.strictObject({
  requiredDuringSchedulingIgnoredDuringExecution: z
    .strictObject({
      nodeSelectorTerms: z.array(nodeSelectorTerm).min(1, "must have at least one term"),
    })
    .optional(),
  preferredDuringSchedulingIgnoredDuringExecution: z
    .array(z.strictObject({ weight: intInRange(1, 100), preference: nodeSelectorTerm }))
    .optional(),
});

export const affinitySchema = z.strictObject({
  nodeAffinity: nodeAffinity.optional(),
  // The hub places by node only; ignoring these would run pods where the manifest says not to.
  podAffinity: refused("pod affinity is not supported yet"),
  podAntiAffinity: refused("pod anti-affinity is not supported yet"),
});

export const nodeSelectorSchema = mapOf(qualifiedName, formatted(labelValue));

export const tolerationSchema = z
  .strictObject({
    key: z.string().optional(),
    operator: z.enum(["Exists", "Equal"]).optional(),
    value: z.string().optional(),
    // "" means every effect.
    effect: z.enum(["", "NoSchedule", "PreferNoSchedule", "NoExecute"]).optional(),
    tolerationSeconds: z.number().int().optional(),
  })
  .superRefine((t, ctx) => {
    const issue = (message: string, field: string) =>
      ctx.addIssue({ code: "custom", message, path: [field] });
    const operator = t.operator ?? "Equal";
    if (t.key) {
      const problem = qualifiedName(t.key);
      if (problem) issue(problem, "key");
    } else if (operator !== "Exists") {
      issue("must be Exists when key is empty", "operator");
    }
    if (operator === "Exists" && t.value) issue("must be empty when operator is Exists", "value");
    if (operator === "Equal" && t.value) {
      const problem = labelValue(t.value);
      if (problem) issue(problem, "value");
    }
    if (t.tolerationSeconds !== undefined && t.effect !== "NoExecute") {
      issue("must be NoExecute when tolerationSeconds is set", "effect");
    }
  });
