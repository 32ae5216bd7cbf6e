// The columns of `get daemonsets`, as kubectl's printer (printDaemonSet) fills them.
import type { DaemonSet } from "kubernetes-types/apps/v1.js";
import { age } from "./duration.js";
import { formatLabels, formatLabelSelector } from "./labels.js";
import type { Column } from "./resource-table.js";

const count = (value: number | undefined) => String(value ?? 0);
const containers = (ds: DaemonSet) => ds.spec?.template.spec?.containers ?? [];

export const DAEMONSET_COLUMNS: readonly Column<DaemonSet>[] = [
  { header: "NAME", cell: (ds) => ds.metadata?.name ?? "" },
  { header: "DESIRED", cell: (ds) => count(ds.status?.desiredNumberScheduled) },
  { header: "CURRENT", cell: (ds) => count(ds.status?.currentNumberScheduled) },
  { header: "READY", cell: (ds) => count(ds.status?.numberReady) },
  { header: "UP-TO-DATE", cell: (ds) => count(ds.status?.updatedNumberScheduled) },
  { header: "AVAILABLE", cell: (ds) => count(ds.status?.numberAvailable) },
  { header: "NODE SELECTOR", cell: (ds) => formatLabels(ds.spec?.template.spec?.nodeSelector) },
  { header: "AGE", cell: (ds, now) => age(ds.metadata?.creationTimestamp, now) },
  {
    header: "CONTAINERS",
    wide: true,
    cell: (ds) =>
      containers(ds)
        .map((c) => c.name)
        .join(","),
  },
  {
    header: "IMAGES",
    wide: true,
    cell: (ds) =>
      containers(ds)
        .map((c) => c.image ?? "")
        .join(","),
  },
  { header: "SELECTOR", wide: true, cell: (ds) => formatLabelSelector(ds.spec?.selector) },
];
