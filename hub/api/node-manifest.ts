// A v1 Node document. Through the API a Node carries what an operator decides about it: labels,
// annotations, taints and spec.unschedulable. Everything an agent reports (status, addresses,
// capacity) and server-set metadata is accepted and ignored, so `get nodes -o yaml` output reads
// back in, as `explain --nodes` needs.
import type { Taint } from "kubernetes-types/core/v1.js";
import { z } from "zod";
import { dns1123Subdomain, labelValue, qualifiedName } from "../../agent/pods/field-formats.js";
import { ignored, stripIgnored } from "../../agent/pods/field-policy.js";
import { validateManifest } from "../../agent/pods/manifest.js";
import { SERVER_SET_METADATA } from "../../agent/pods/manifest-schema.js";
import { formatted, mapOf } from "../../agent/pods/schema-kit.js";
import type { NodeObject } from "../store/index.js";
import { documentLabel } from "./daemonset-manifest.js";
import type { ManifestDocument } from "./manifest-documents.js";
import { TAINT_EFFECTS } from "./types.js";

const taintSchema = z.strictObject({
  key: formatted(qualifiedName),
  value: formatted(labelValue).optional(),
  effect: z.enum(TAINT_EFFECTS, {
    error: `must be one of ${TAINT_EFFECTS.map((e) => JSON.stringify(e)).join(", ")}`,
  }),
  timeAdded: ignored(),
});

const nodeManifestSchema = z.strictObject({
  apiVersion: z.literal("v1", { error: 'must be "v1"' }),
  kind: z.literal("Node"),
  metadata: z.strictObject({
    name: formatted(dns1123Subdomain),
    labels: mapOf(qualifiedName, formatted(labelValue)).optional(),
    annotations: mapOf(qualifiedName, z.string()).optional(),
    namespace: ignored(),
    ...SERVER_SET_METADATA,
  }),
  spec: z
    .strictObject({
      unschedulable: z.boolean({ error: "must be true or false" }).optional(),
      taints: z
        .array(taintSchema)
        .superRefine((taints, ctx) => {
          // Kubernetes identifies a taint by key and effect, so two alike are ambiguous.
          const seen = new Set<string>();
          taints.forEach((taint, index) => {
            const id = `${taint.key}:${taint.effect}`;
            if (seen.has(id)) {
              const message = `duplicates the taint ${id}: taints must be unique by key and effect`;
              ctx.addIssue({ code: "custom", message, path: [index] });
            }
            seen.add(id);
          });
        })
        .optional(),
      podCIDR: ignored(),
      podCIDRs: ignored(),
      providerID: ignored(),
      externalID: ignored(),
      configSource: ignored(),
    })
    .optional(),
  status: ignored(),
});

/** What an operator sets on a node; absent fields are left as the node has them. */
export interface NodeIntent {
  name: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  taints?: Taint[];
  unschedulable?: boolean;
}

/** Throws a ManifestError naming the document and field path when the Node is refused. */
export function validNode(document: ManifestDocument): NodeIntent {
  const valid = validateManifest(
    nodeManifestSchema,
    document.value,
    documentLabel(document, "Node"),
  );
  const { metadata, spec } = stripIgnored(valid).value;
  return {
    name: metadata.name,
    ...(metadata.labels && { labels: metadata.labels }),
    ...(metadata.annotations && { annotations: metadata.annotations }),
    ...(spec?.taints && { taints: spec.taints }),
    ...(spec?.unschedulable !== undefined && { unschedulable: spec.unschedulable }),
  };
}

/** The node an intent describes, for evaluating placement against nodes that are not stored. */
export function nodeFromIntent(intent: NodeIntent): NodeObject {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name: intent.name,
      ...(intent.labels && { labels: intent.labels }),
      ...(intent.annotations && { annotations: intent.annotations }),
    },
    spec: {
      ...(intent.taints && { taints: intent.taints }),
      ...(intent.unschedulable !== undefined && { unschedulable: intent.unschedulable }),
    },
  };
}
