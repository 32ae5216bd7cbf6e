// The HubAuth service (proto/hub_auth.proto): join tokens and node revocation, over the store of
// credentials the agent port checks.
import {
  status,
  type Metadata,
  type ServiceError,
  type UntypedServiceImplementation,
} from "@grpc/grpc-js";
import type { handleUnaryCall } from "@grpc/grpc-js";
import { timingSafeEqual } from "node:crypto";
import { int, text } from "../../agent/local-api/message-fields.js";
import { loadHubAuthApi } from "../../proto/load.js";
import type { AuthStore, JoinTokenInfo } from "../auth/auth-store.js";
import { formatJoinString } from "../auth/join-string.js";
import { requestFields } from "./request-codec.js";
import { RequestError } from "./request-error.js";
import { errorStatus } from "./status.js";

export interface JoinTokenMessage {
  id: string;
  join_string: string;
  description: string;
  created_at: string;
  expires_at: string;
}

const NODE_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

function tokenMessage(info: JoinTokenInfo, joinString = ""): JoinTokenMessage {
  return {
    id: info.id,
    join_string: joinString,
    description: info.description,
    created_at: info.createdAt.toISOString(),
    expires_at: info.expiresAt?.toISOString() ?? "",
  };
}

function failure(code: status, details: string): Partial<ServiceError> {
  return { code, details };
}

export function hubAuthService(
  auth: AuthStore,
  caHash: string | undefined,
  unexpected: (error: unknown) => void,
): {
  definition: ReturnType<typeof loadHubAuthApi>["service"];
  implementation: UntypedServiceImplementation;
} {
  const unary =
    (handle: (request: Record<string, unknown>) => object): handleUnaryCall<unknown, object> =>
    (call, callback) => {
      try {
        callback(null, handle(requestFields(call.request)));
      } catch (error) {
        callback(errorStatus(error, unexpected));
      }
    };
  return {
    definition: loadHubAuthApi().service,
    implementation: {
      CreateJoinToken: unary((request) => {
        const ttl = int(request, "ttl_seconds");
        const created = auth.createToken({
          ...(ttl > 0 ? { ttlSeconds: ttl } : {}),
          description: text(request, "description"),
        });
        return tokenMessage(created, formatJoinString(created.token, caHash));
      }),
      ListJoinTokens: unary(() => ({ tokens: auth.listTokens().map((t) => tokenMessage(t)) })),
      DeleteJoinToken: ((call, callback) => {
        const id = text(requestFields(call.request), "id");
        const found = auth.listTokens().find((t) => t.id === id);
        if (!found || !auth.deleteToken(id)) {
          callback(failure(status.NOT_FOUND, `join token ${JSON.stringify(id)} not found`));
          return;
        }
        callback(null, tokenMessage(found));
      }) satisfies handleUnaryCall<unknown, object>,
      RevokeNode: unary((request) => {
        const name = text(request, "node_name");
        if (!NODE_NAME.test(name)) {
          throw new RequestError("Invalid", `node name ${JSON.stringify(name)} is not valid`);
        }
        return { revoked: auth.revoke(name) };
      }),
    },
  };
}

/** True when the call carries `authorization: Bearer <admin token>`. */
export function isAdminCall(metadata: Metadata, adminToken: string): boolean {
  const [header] = metadata.get("authorization");
  const given = typeof header === "string" ? header.match(/^Bearer (\S+)$/)?.[1] : undefined;
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(adminToken);
  return a.length === b.length && timingSafeEqual(a, b);
}
