// Writes proto/contracts.json, the .proto files as protobufjs's JSON descriptor, which is what
// proto/load.ts reads at run time (`npm run proto:contracts` after editing a .proto file;
// proto/contracts.test.ts fails until it is run). Development only: the build leaves it out.
import { writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import protobuf from "protobufjs";
import { format } from "prettier";

export const PROTO_DIR = dirname(fileURLToPath(import.meta.url));
export const CONTRACTS_PATH = join(PROTO_DIR, "contracts.json");

/** Every contract, in one namespace tree; each file's imports are resolved inside proto/. */
export const PROTO_FILES = [
  "pod.proto",
  "hub_agent.proto",
  "agent_local.proto",
  "hub_api.proto",
  "hub_auth.proto",
];

/** The descriptor of PROTO_FILES, field names as written (proto/load.ts reads them so). */
export function compileContracts(): protobuf.INamespace {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => join(PROTO_DIR, basename(target));
  root.loadSync(PROTO_FILES, { keepCase: true });
  root.resolveAll();
  return root.toJSON();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const text = await format(JSON.stringify(compileContracts()), { parser: "json" });
  writeFileSync(CONTRACTS_PATH, text);
  console.log(`wrote ${CONTRACTS_PATH}`);
}
