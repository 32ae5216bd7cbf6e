// List: the store's objects of a kind in a namespace (or all), optionally only the pods of one
// node, filtered by a kubectl label selector.
import {
  DEFAULT_NAMESPACE,
  labelSelectorMatches,
  type ListOptions,
  type Store,
} from "../store/index.js";
import { parseLabelSelector } from "./label-selector-syntax.js";
import type { ListQuery, ObjectList } from "./types.js";

function storeOptions(query: ListQuery): ListOptions {
  return {
    ...(!query.allNamespaces && { namespace: query.namespace ?? DEFAULT_NAMESPACE }),
    ...(query.nodeName !== undefined && { nodeName: query.nodeName }),
  };
}

export function listObjects(store: Store, query: ListQuery): ObjectList {
  const selector = parseLabelSelector(query.labelSelector ?? "");
  const { items, resourceVersion } = store.list(query.kind, storeOptions(query));
  return {
    items: items.filter((object) => labelSelectorMatches(selector, object.metadata.labels)),
    resourceVersion,
  };
}
