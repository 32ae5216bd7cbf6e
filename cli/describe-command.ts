// `daemonlet describe ds|node|pod NAME`: the object with what relates to it (its pods, its
// events), as kubectl describes it.
import { isObjectOfKind, type HubClient } from "../hub/api/index.js";
import { DEFAULT_NAMESPACE, type KubeObject } from "../hub/store/index.js";
import { succeeded, type CommandResult } from "./command-result.js";
import { describeDaemonSet } from "./format/describe-daemonset.js";
import { describeNode } from "./format/describe-node.js";
import { describePod } from "./format/describe-pod.js";
import { formatLabelSelector } from "./format/labels.js";
import { resolveResourceType } from "./resource-types.js";
import { daemonSetRevisions } from "./rollout-revisions.js";
import { isNodeMetrics, isPodMetrics } from "../hub/usage/metrics-objects.js";

export interface DescribeOptions {
  type: string;
  name: string;
  namespace?: string;
}

function unexpected(object: KubeObject): never {
  throw new TypeError(`the hub answered with a ${object.kind}`);
}

export async function runDescribe(
  client: HubClient,
  options: DescribeOptions,
  now: Date,
): Promise<CommandResult> {
  const kind = resolveResourceType(options.type);
  const namespace = options.namespace ?? DEFAULT_NAMESPACE;
  const ref = { kind, namespace, name: options.name };
  const object = await client.get(ref);
  const events = await client.listEvents(ref);
  if (isObjectOfKind(object, "DaemonSet")) {
    // As kubectl: the pods the selector picks that this DaemonSet (not a namesake) controls.
    // The one-line form of a selector is also `-l` syntax.
    const selector = formatLabelSelector(object.spec?.selector);
    const { items } = await client.list({
      kind: "Pod",
      namespace,
      ...(selector !== "<none>" && { labelSelector: selector }),
    });
    const pods = items
      .filter((pod) => isObjectOfKind(pod, "Pod"))
      .filter((pod) => pod.metadata.ownerReferences?.some((o) => o.uid === object.metadata.uid));
    const revisions = await daemonSetRevisions(client, object);
    return succeeded(describeDaemonSet(object, pods, events, now, revisions[0]?.revision));
  }
  if (isObjectOfKind(object, "Node")) {
    const { items } = await client.list({
      kind: "Pod",
      allNamespaces: true,
      nodeName: options.name,
    });
    const pods = items.filter((pod) => isObjectOfKind(pod, "Pod"));
    const [nodeMetrics, podMetrics] = await Promise.all([
      client.listMetrics({ kind: "NodeMetrics" }),
      client.listMetrics({ kind: "PodMetrics", allNamespaces: true }),
    ]);
    const usage = {
      node: nodeMetrics.filter(isNodeMetrics).find((m) => m.metadata.name === options.name),
      pods: podMetrics.filter(isPodMetrics).filter((m) => m.node === options.name),
    };
    return succeeded(describeNode(object, pods, events, now, usage));
  }
  if (isObjectOfKind(object, "Pod")) return succeeded(describePod(object, events, now));
  return unexpected(object);
}
