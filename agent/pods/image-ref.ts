// Image references as Docker's distribution/reference grammar reads them, enough to tell a tag
// from a registry port (`localhost:5000/foo` has no tag) and to find a digest (`foo@sha256:…`).

const PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const HOST = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])`;
const NAME = `(?:${HOST}(?::[0-9]+)?/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const TAG = "[\\w][\\w.-]{0,127}";
const DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
const REFERENCE = new RegExp(`^(${NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const MAX_NAME_LENGTH = 255;

export interface ImageRef {
  /** Registry and repository, e.g. `localhost:5000/foo`, `quay.io/prometheus/node-exporter`. */
  name: string;
  tag?: string;
  digest?: string;
}

/** The parts of an image reference, or undefined when Docker would refuse it. */
export function parseImageRef(ref: string): ImageRef | undefined {
  const match = REFERENCE.exec(ref);
  if (!match || (match[1] ?? "").length > MAX_NAME_LENGTH) return undefined;
  const [, name = "", tag, digest] = match;
  return { name, ...(tag !== undefined && { tag }), ...(digest !== undefined && { digest }) };
}

/**
 * Kubernetes' default: `Always` when the tag is `latest` or there is neither tag nor digest
 * (the engine would resolve `latest`), else `IfNotPresent`. A digest without a tag pins the
 * image, so it is never re-pulled.
 */
export function defaultImagePullPolicy(image: string): "Always" | "IfNotPresent" {
  const ref = parseImageRef(image);
  // Like Kubernetes, an unparsable reference (refused by validation anyway) gets IfNotPresent.
  if (!ref) return "IfNotPresent";
  if (ref.tag === "latest") return "Always";
  return ref.tag === undefined && ref.digest === undefined ? "Always" : "IfNotPresent";
}

/** Where Docker pulls an image from when its name names no registry. */
export const DOCKER_HUB = "docker.io";

/**
 * The registry an image is pulled from, read as Docker reads names: the first path component is
 * a registry host when it has a dot or a port, is `localhost`, or has an upper-case letter
 * (repository paths cannot); anything else is on Docker Hub. Undefined for an unparsable ref.
 */
export function registryHost(image: string): string | undefined {
  const ref = parseImageRef(image);
  if (!ref) return undefined;
  const slash = ref.name.indexOf("/");
  if (slash < 0) return DOCKER_HUB;
  const first = ref.name.slice(0, slash);
  const isHost = /[.:]/.test(first) || first === "localhost" || first !== first.toLowerCase();
  if (!isHost) return DOCKER_HUB;
  // Docker's legacy name for the Hub, normalised the way the engine does.
  return first === "index.docker.io" ? DOCKER_HUB : first;
}
