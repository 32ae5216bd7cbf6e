// Objects and temporary store directories for the store's tests.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before } from "node:test";
import { openSqliteStore, type SqliteStore } from "../sqlite-store.js";
import type {
  DaemonSetObject,
  EventObject,
  KubeObject,
  NodeObject,
  PodObject,
} from "../object-meta.js";

/** A fresh directory and the function that removes it, for an `after` hook. */
export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "daemonlet-store-"));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A SQLite store in a temp dir for the enclosing `describe`: opened before its tests, removed after. */
export function tempStore(): { readonly store: SqliteStore } {
  const tmp = tempDir();
  let opened: SqliteStore | undefined;
  before(() => {
    opened = openSqliteStore(join(tmp.dir, "hub"));
  });
  after(() => {
    opened?.close();
    tmp.remove();
  });
  return {
    get store() {
      if (!opened) throw new Error("the test store is opened in a before hook");
      return opened;
    },
  };
}

export function daemonSet(name: string, image = "busybox:1.36"): DaemonSetObject {
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name, namespace: "default", labels: { app: name } },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: "main", image }] },
      },
    },
  };
}

export function node(name: string, labels: Record<string, string> = {}): NodeObject {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name, labels },
    status: { conditions: [{ type: "Ready", status: "True" }] },
  };
}

export function pod(
  name: string,
  nodeName?: string,
  labels: Record<string, string> = {},
): PodObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default", labels },
    spec: { nodeName, containers: [{ name: "main", image: "busybox:1.36" }] },
  };
}

export function event(name: string, message: string): EventObject {
  return {
    apiVersion: "v1",
    kind: "Event",
    metadata: { name, namespace: "default" },
    involvedObject: { kind: "DaemonSet", name: "x", namespace: "default" },
    reason: "Test",
    message,
  };
}

export function names(objects: readonly KubeObject[]): (string | undefined)[] {
  return objects.map((o) => o.metadata.name);
}
