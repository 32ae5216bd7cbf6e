import type { DaemonSet, DaemonSetUpdateStrategy } from "kubernetes-types/apps/v1.js";
import type { Container } from "kubernetes-types/core/v1.js";
import { stringify } from "yaml";

/** The image the test set-up builds locally (scripts/setup.sh): a busybox rootfs. */
export const TEST_IMAGE = "busybox:1.36";

export interface DaemonSetOptions {
  /** Merged over the one default container: `app`, TEST_IMAGE, sleeping an hour. */
  container?: Partial<Container>;
  /** Replaces the default container altogether. */
  containers?: Container[];
  /** terminationGracePeriodSeconds; 1 by default, so that deletions in tests are quick. */
  grace?: number;
  nodeSelector?: Record<string, string>;
  updateStrategy?: DaemonSetUpdateStrategy;
  annotations?: Record<string, string>;
}

/** An apps/v1 DaemonSet selecting its pods by `app: <name>`, as the Kubernetes docs write them. */
export function daemonSet(name: string, options: DaemonSetOptions = {}): DaemonSet {
  const containers = options.containers ?? [
    { name: "app", image: TEST_IMAGE, command: ["sleep", "3600"], ...options.container },
  ];
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name, ...(options.annotations ? { annotations: options.annotations } : {}) },
    spec: {
      selector: { matchLabels: { app: name } },
      ...(options.updateStrategy ? { updateStrategy: options.updateStrategy } : {}),
      template: {
        metadata: { labels: { app: name } },
        spec: {
          terminationGracePeriodSeconds: options.grace ?? 1,
          ...(options.nodeSelector ? { nodeSelector: options.nodeSelector } : {}),
          containers,
        },
      },
    },
  };
}

/** The same as YAML, what `daemonlet apply -f` and the hub's manifest directory take. */
export function daemonSetYaml(name: string, options: DaemonSetOptions = {}): string {
  return stringify(daemonSet(name, options));
}

/** Several manifests in one multi-document YAML file. */
export function yamlDocuments(documents: string[]): string {
  return documents.join("---\n");
}
