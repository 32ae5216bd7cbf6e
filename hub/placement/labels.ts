// Reading a node's labels. Labels arrive as plain objects parsed from YAML or JSON, so lookups
// go through Object.hasOwn: a selector key such as "constructor" must not find Object.prototype.

export type Labels = Record<string, string> | undefined;

/** The node's value for `key`, or undefined when the node has no such label. */
export function labelValue(labels: Labels, key: string): string | undefined {
  return labels !== undefined && Object.hasOwn(labels, key) ? labels[key] : undefined;
}

/** What the node has for `key`, phrased for a mismatch message: `node has zone=c`. */
export function describeNodeLabel(labels: Labels, key: string): string {
  const value = labelValue(labels, key);
  return value === undefined ? `node has no ${key} label` : `node has ${key}=${value}`;
}
