// A DaemonSet's stored revisions as the CLI reads them through the hub's API.
import { isObjectOfKind, type HubClient } from "../hub/api/index.js";
import type { ControllerRevisionObject, DaemonSetObject } from "../hub/store/index.js";

/** The revisions the DaemonSet (this very one, by uid) owns, newest first. */
export async function daemonSetRevisions(
  client: HubClient,
  ds: DaemonSetObject,
): Promise<ControllerRevisionObject[]> {
  const { items } = await client.list({
    kind: "ControllerRevision",
    namespace: ds.metadata.namespace,
  });
  return items
    .filter((r) => isObjectOfKind(r, "ControllerRevision"))
    .filter((r) => r.metadata.ownerReferences?.some((o) => o.uid === ds.metadata.uid))
    .sort((a, b) => b.revision - a.revision);
}
