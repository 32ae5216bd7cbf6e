// Typed reads from a message proto/load.ts decoded (see proto/load.ts for its form). A field
// that is absent reads as its proto3 zero value; a field of the wrong type means our code and our
// .proto files disagree, which is a bug, so it throws instead of reading as absent.

export type Fields = Record<string, unknown>;

export function isFields(value: unknown): value is Fields {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Uint8Array)
  );
}

function field<T>(
  message: Fields,
  key: string,
  zero: T,
  isType: (value: unknown) => value is T,
  typeName: string,
): T {
  const value = message[key];
  if (value === undefined || value === null) return zero;
  if (!isType(value))
    throw new TypeError(`field ${key}: expected ${typeName}, got ${typeof value}`);
  return value;
}

const isString = (v: unknown): v is string => typeof v === "string";
const isNumber = (v: unknown): v is number => typeof v === "number";
const isBoolean = (v: unknown): v is boolean => typeof v === "boolean";
const isBytes = (v: unknown): v is Uint8Array => v instanceof Uint8Array;
const isList = (v: unknown): v is unknown[] => Array.isArray(v);

export function text(message: Fields, key: string): string {
  return field(message, key, "", isString, "a string");
}

/** The string, or undefined when empty: proto3 cannot tell empty from unset, Kubernetes omits it. */
export function optionalText(message: Fields, key: string): string | undefined {
  return text(message, key) || undefined;
}

export function int(message: Fields, key: string): number {
  return field(message, key, 0, isNumber, "a number");
}

export function flag(message: Fields, key: string): boolean {
  return field(message, key, false, isBoolean, "a boolean");
}

export function bytes(message: Fields, key: string): Uint8Array {
  return field(message, key, new Uint8Array(), isBytes, "bytes");
}

/** A nested message, or undefined when absent (proto3 keeps presence for message fields). */
export function message(parent: Fields, key: string): Fields | undefined {
  return field<Fields | undefined>(parent, key, undefined, isFields, "a message");
}

export function messages(parent: Fields, key: string): Fields[] {
  return field(parent, key, [], isList, "a list").map((item, index) => {
    if (!isFields(item)) throw new TypeError(`field ${key}[${index}]: expected a message`);
    return item;
  });
}

/** A `map<string, string>`, or undefined when empty, as Kubernetes omits empty maps. */
export function textMap(parent: Fields, key: string): Record<string, string> | undefined {
  const map = field<Fields>(parent, key, {}, isFields, "a map");
  const entries = Object.entries(map).map(([name, value]): [string, string] => {
    if (!isString(value)) throw new TypeError(`field ${key}.${name}: expected a string`);
    return [name, value];
  });
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}
