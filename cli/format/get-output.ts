// Everything `daemonlet get` prints, as text for stdout and stderr: pure, so the exact output is
// testable without a hub.
import { isObjectOfKind } from "../../hub/api/index.js";
import type { KubeObject } from "../../hub/store/index.js";
import type { CliKind } from "../resource-types.js";
import { DAEMONSET_COLUMNS } from "./daemonset-columns.js";
import { formatObject, formatObjectList } from "./kube-object.js";
import type { RenderedOutput } from "./node-pods-output.js";
import { NODE_COLUMNS } from "./node-columns.js";
import { POD_COLUMNS } from "./pod-columns.js";
import { formatResourceTable, type TableOptions } from "./resource-table.js";

export type GetFormat = "table" | "wide" | "json" | "yaml";

export interface GetOutputOptions {
  format: GetFormat;
  /** A `get KIND NAME`: one object, printed as itself rather than in a List. */
  single: boolean;
  allNamespaces: boolean;
  namespace: string;
  now: Date;
}

function table(kind: CliKind, objects: readonly KubeObject[], options: TableOptions): string {
  switch (kind) {
    case "DaemonSet":
      return formatResourceTable(
        objects.filter((o) => isObjectOfKind(o, "DaemonSet")),
        DAEMONSET_COLUMNS,
        options,
      );
    case "Pod":
      return formatResourceTable(
        objects.filter((o) => isObjectOfKind(o, "Pod")),
        POD_COLUMNS,
        options,
      );
    case "Node":
      return formatResourceTable(
        objects.filter((o) => isObjectOfKind(o, "Node")),
        NODE_COLUMNS,
        options,
      );
  }
}

export function renderGet(
  kind: CliKind,
  objects: readonly KubeObject[],
  { format, single, allNamespaces, namespace, now }: GetOutputOptions,
): RenderedOutput {
  if (format === "json" || format === "yaml") {
    const [only] = objects;
    const stdout =
      single && only !== undefined ? formatObject(only, format) : formatObjectList(objects, format);
    return { stdout, stderr: "" };
  }
  // Like kubectl, the "nothing here" note goes to stderr so stdout stays parseable.
  if (objects.length === 0) {
    const stderr =
      kind === "Node" || allNamespaces
        ? "No resources found\n"
        : `No resources found in ${namespace} namespace.\n`;
    return { stdout: "", stderr };
  }
  const withNamespace = allNamespaces && kind !== "Node";
  return {
    stdout: table(kind, objects, { wide: format === "wide", withNamespace, now }),
    stderr: "",
  };
}
