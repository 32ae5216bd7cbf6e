// The two document shapes a manifest may hold: a v1 Pod, or an apps/v1 DaemonSet whose template
// is the pod. Object metadata beyond name, namespace, labels and annotations is ignored.
import { z } from "zod";
import { dns1123Label, dns1123Subdomain, labelValue, qualifiedName } from "./field-formats.js";
import { ignored } from "./field-policy.js";
import { isEmptySelector, selectorMatches } from "./label-selector.js";
import { podSpecSchema } from "./pod-schema.js";
import { labelSelectorSchema } from "./scheduling-schema.js";
import { formatted, mapOf, nonNegativeInt } from "./schema-kit.js";

/** Metadata the API server sets; accepted in manifests and ignored. */
export const SERVER_SET_METADATA = {
  creationTimestamp: ignored(),
  deletionGracePeriodSeconds: ignored(),
  deletionTimestamp: ignored(),
  finalizers: ignored(),
  generateName: ignored(),
  generation: ignored(),
  managedFields: ignored(),
  ownerReferences: ignored(),
  resourceVersion: ignored(),
  selfLink: ignored(),
  uid: ignored(),
};

const labels = mapOf(qualifiedName, formatted(labelValue));
const annotations = mapOf(qualifiedName, z.string());

const objectMetadata = z.strictObject({
  name: formatted(dns1123Subdomain),
  namespace: formatted(dns1123Label).optional(),
  labels: labels.optional(),
  annotations: annotations.optional(),
  ...SERVER_SET_METADATA,
});

// Kubernetes ignores a template's name and namespace: the pod gets the DaemonSet's.
const templateMetadata = z.strictObject({
  name: ignored(),
  namespace: ignored(),
  labels: labels.optional(),
  annotations: annotations.optional(),
  ...SERVER_SET_METADATA,
});

export const podManifestSchema = z.strictObject({
  apiVersion: z.literal("v1"),
  kind: z.literal("Pod"),
  metadata: objectMetadata,
  spec: podSpecSchema,
  status: ignored(),
});

const intOrPercent = z.union([nonNegativeInt, z.string().regex(/^(100|[1-9]?[0-9])%$/)], {
  error: "must be a non-negative integer or a percentage from 0% to 100%",
});
const isZero = (v: number | string | undefined) => v === 0 || v === "0%";

const updateStrategy = z
  .strictObject({
    type: z.enum(["RollingUpdate", "OnDelete"]).optional(),
    rollingUpdate: z
      .strictObject({ maxUnavailable: intOrPercent.optional(), maxSurge: intOrPercent.optional() })
      .optional(),
  })
  .superRefine(({ type, rollingUpdate }, ctx) => {
    if (type === "OnDelete" && rollingUpdate) {
      const message = "may not be set when type is OnDelete";
      ctx.addIssue({ code: "custom", message, path: ["rollingUpdate"] });
    }
    // Defaults are maxUnavailable 1 and maxSurge 0; both zero would never make progress.
    if (
      rollingUpdate &&
      isZero(rollingUpdate.maxUnavailable) &&
      isZero(rollingUpdate.maxSurge ?? 0)
    ) {
      const message = "may not be 0 when maxSurge is 0";
      ctx.addIssue({ code: "custom", message, path: ["rollingUpdate", "maxUnavailable"] });
    }
  });

const daemonSetSpec = z
  .strictObject({
    selector: labelSelectorSchema,
    template: z.strictObject({ metadata: templateMetadata.optional(), spec: podSpecSchema }),
    updateStrategy: updateStrategy.optional(),
    minReadySeconds: nonNegativeInt.optional(),
    revisionHistoryLimit: nonNegativeInt.optional(),
    templateGeneration: ignored(),
  })
  .superRefine(({ selector, template }, ctx) => {
    const issue = (message: string, path: string[]) =>
      ctx.addIssue({ code: "custom", message, path });
    if (isEmptySelector(selector)) issue("must not be empty", ["selector"]);
    else if (!selectorMatches(selector, template.metadata?.labels ?? {})) {
      issue("selector does not match template labels", ["template", "metadata", "labels"]);
    }
    const restartPolicy = template.spec.restartPolicy;
    if (restartPolicy !== undefined && restartPolicy !== "Always") {
      issue("must be Always for a DaemonSet", ["template", "spec", "restartPolicy"]);
    }
  });

export const daemonSetManifestSchema = z.strictObject({
  apiVersion: z.literal("apps/v1"),
  kind: z.literal("DaemonSet"),
  metadata: objectMetadata,
  spec: daemonSetSpec,
  status: ignored(),
});
