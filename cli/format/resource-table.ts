// `get` tables for any kind: a column list per kind, the NAMESPACE column first across
// namespaces and the wide columns last, as kubectl lays them out, through tab-table's layout.
import { formatTable } from "./tab-table.js";

export interface Column<T> {
  header: string;
  cell: (object: T, now: Date) => string;
  /** Only with `-o wide`. */
  wide?: boolean;
}

export interface TableOptions {
  wide: boolean;
  /** Prefix a NAMESPACE column, as `get -A` does for namespaced kinds. */
  withNamespace: boolean;
  now: Date;
}

export function formatResourceTable<T extends { metadata?: { namespace?: string } }>(
  objects: readonly T[],
  columns: readonly Column<T>[],
  { wide, withNamespace, now }: TableOptions,
): string {
  const shown: Column<T>[] = [
    ...(withNamespace
      ? [{ header: "NAMESPACE", cell: (o: T) => o.metadata?.namespace ?? "" }]
      : []),
    ...columns.filter((column) => wide || !column.wide),
  ];
  return formatTable([
    shown.map((column) => column.header),
    ...objects.map((object) => shown.map((column) => column.cell(object, now))),
  ]);
}
