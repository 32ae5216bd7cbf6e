// The Hub API's client, as the CLI (and tests) use it: typed calls that return Kubernetes
// objects and throw HubApiError with the hub's own message.
import { Client, Metadata, credentials, status, type ServiceError } from "@grpc/grpc-js";
import {
  loadHubApi,
  loadHubAuthApi,
  type HubApiMethodName,
  type HubAuthMethodName,
  type HubMethodDefinition,
} from "../../proto/load.js";
import type { EventObject, KubeObject } from "../store/index.js";
import type {
  ApplyRequestMessage,
  ExplainRequestMessage,
  MetricsRequestMessage,
  SetUnschedulableRequestMessage,
} from "./messages.js";
import { objectFromMessage, refToMessage } from "./object-codec.js";
import type { RolloutRequest, RolloutResult } from "./rollout.js";
import { rolloutRequestToMessage, rolloutResultFromMessage } from "./rollout-codec.js";
import {
  labelRequestToMessage,
  listQueryToMessage,
  taintRequestToMessage,
} from "./request-codec.js";
import {
  applyResultsFromMessage,
  decisionsFromMessage,
  eventListFromMessage,
  nodeUpdateFromMessage,
  objectListFromMessage,
  watchEventFromMessage,
} from "./response-codec.js";
import {
  DEFAULT_HUB_API_PORT,
  type ApplyResult,
  type LabelNodeRequest,
  type ListQuery,
  type MetricsQuery,
  type NodeDecision,
  type NodeUpdate,
  type ObjectList,
  type ObjectRef,
  type TaintNodeRequest,
  type WatchEvent,
} from "./types.js";

export const DEFAULT_HUB_ADDRESS = `127.0.0.1:${DEFAULT_HUB_API_PORT}`;
/** A list of every pod of a large fleet is tens of megabytes; gRPC's default is 4 MiB. */
const MAX_RESPONSE_BYTES = 256 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 30_000;

export type HubApiErrorReason =
  | "NotFound"
  | "AlreadyExists"
  /** Lost a compare-and-swap to a concurrent write; retrying is safe. */
  | "Conflict"
  | "Invalid"
  | "FailedPrecondition"
  /** A watch resumed from a version the hub no longer holds: list again. */
  | "Expired"
  | "TooLarge"
  | "Unavailable"
  | "Timeout"
  /** A TLS hub's API without its admin credential. */
  | "Unauthenticated"
  | "Failed";

const REASONS: Partial<Record<status, HubApiErrorReason>> = {
  [status.NOT_FOUND]: "NotFound",
  [status.ALREADY_EXISTS]: "AlreadyExists",
  [status.ABORTED]: "Conflict",
  [status.INVALID_ARGUMENT]: "Invalid",
  [status.FAILED_PRECONDITION]: "FailedPrecondition",
  [status.OUT_OF_RANGE]: "Expired",
  [status.RESOURCE_EXHAUSTED]: "TooLarge",
  [status.UNAVAILABLE]: "Unavailable",
  [status.DEADLINE_EXCEEDED]: "Timeout",
  [status.UNAUTHENTICATED]: "Unauthenticated",
};

/** A call the hub refused or could not answer; the message is the hub's, for the operator. */
export class HubApiError extends Error {
  override readonly name = "HubApiError";

  constructor(
    readonly reason: HubApiErrorReason,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export function isHubApiError(error: unknown, reason?: HubApiErrorReason): error is HubApiError {
  return error instanceof HubApiError && (reason === undefined || error.reason === reason);
}

export interface HubWatch {
  /** Stops the watch; `done` then resolves. */
  cancel(): void;
  /**
   * Resolves when the stream ends or is cancelled; rejects with HubApiError when it fails (the
   * hub shutting down ends it with Unavailable). Attach a handler as soon as the watch starts.
   */
  done: Promise<void>;
}

export class HubClient {
  private readonly client: Client;
  private readonly methods = loadHubApi().methods;

  /**
   * @param admin for a TLS hub: the CA its API certificate chains to and the admin token, as the
   *   hub's admin.conf holds them; without it the connection is plain.
   */
  constructor(
    readonly address: string,
    private readonly timeoutMs = DEFAULT_TIMEOUT_MS,
    admin?: { ca: string; token: string },
  ) {
    const channel = admin
      ? credentials.combineChannelCredentials(
          credentials.createSsl(Buffer.from(admin.ca)),
          credentials.createFromMetadataGenerator((_params, callback) => {
            const metadata = new Metadata();
            metadata.set("authorization", `Bearer ${admin.token}`);
            callback(null, metadata);
          }),
        )
      : credentials.createInsecure();
    this.client = new Client(address, channel, {
      "grpc.max_receive_message_length": MAX_RESPONSE_BYTES,
    });
  }

  async apply(manifest: string, fieldManager = "daemonlet"): Promise<ApplyResult[]> {
    const request: ApplyRequestMessage = {
      manifest: new TextEncoder().encode(manifest),
      field_manager: fieldManager,
    };
    return applyResultsFromMessage(await this.call("Apply", request));
  }

  async get(ref: ObjectRef): Promise<KubeObject> {
    return objectFromMessage(await this.call("Get", refToMessage(ref)));
  }

  async list(query: ListQuery): Promise<ObjectList> {
    return objectListFromMessage(await this.call("List", listQueryToMessage(query)));
  }

  watch(query: ListQuery, onEvent: (event: WatchEvent) => void): HubWatch {
    const { path, requestSerialize, responseDeserialize } = this.methods.Watch;
    const stream = this.client.makeServerStreamRequest(
      path,
      requestSerialize,
      responseDeserialize,
      listQueryToMessage(query),
    );
    const done = new Promise<void>((resolve, reject) => {
      stream.on("data", (message: unknown) => {
        try {
          onEvent(watchEventFromMessage(message));
        } catch (error) {
          stream.cancel();
          reject(error);
        }
      });
      stream.on("end", resolve);
      stream.on("error", (error: ServiceError) => {
        if (error.code === status.CANCELLED) resolve();
        else reject(this.failure(error));
      });
    });
    return { cancel: () => stream.cancel(), done };
  }

  async delete(ref: ObjectRef): Promise<KubeObject> {
    return objectFromMessage(await this.call("Delete", refToMessage(ref)));
  }

  async labelNode(request: LabelNodeRequest): Promise<NodeUpdate> {
    return nodeUpdateFromMessage(await this.call("LabelNode", labelRequestToMessage(request)));
  }

  async taintNode(request: TaintNodeRequest): Promise<NodeUpdate> {
    return nodeUpdateFromMessage(await this.call("TaintNode", taintRequestToMessage(request)));
  }

  async setUnschedulable(name: string, unschedulable: boolean): Promise<NodeUpdate> {
    const request: SetUnschedulableRequestMessage = { name, unschedulable };
    return nodeUpdateFromMessage(await this.call("SetUnschedulable", request));
  }

  async listEvents(involved: ObjectRef): Promise<EventObject[]> {
    return eventListFromMessage(await this.call("ListEvents", refToMessage(involved)));
  }

  /** Without `nodesManifest`, against the hub's nodes. */
  async explain(daemonSetManifest: string, nodesManifest = ""): Promise<NodeDecision[]> {
    const encoder = new TextEncoder();
    const request: ExplainRequestMessage = {
      daemonset_manifest: encoder.encode(daemonSetManifest),
      nodes_manifest: encoder.encode(nodesManifest),
    };
    return decisionsFromMessage(await this.call("Explain", request));
  }

  /** undo, restart, pause or resume a DaemonSet's rollout. */
  async rollout(request: RolloutRequest): Promise<RolloutResult> {
    return rolloutResultFromMessage(await this.call("Rollout", rolloutRequestToMessage(request)));
  }

  /** Usage as the agents last reported it; kubectl's `top` reads the same shapes. */
  async listMetrics(query: MetricsQuery): Promise<KubeObject[]> {
    const request: MetricsRequestMessage = {
      kind: query.kind,
      namespace: query.namespace ?? "",
      all_namespaces: query.allNamespaces ?? false,
    };
    return objectListFromMessage(await this.call("ListMetrics", request)).items;
  }

  /** The HubAuth service's calls (join tokens, revocation), on the same connection. */
  callAuth(method: HubAuthMethodName, request: object): Promise<unknown> {
    return this.callMethod(loadHubAuthApi().methods[method], request);
  }

  close(): void {
    this.client.close();
  }

  private call(method: Exclude<HubApiMethodName, "Watch">, request: object): Promise<unknown> {
    return this.callMethod(this.methods[method], request);
  }

  private callMethod(definition: HubMethodDefinition, request: object): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(
        definition.path,
        definition.requestSerialize,
        definition.responseDeserialize,
        request,
        { deadline: Date.now() + this.timeoutMs },
        (error, value) => {
          if (error) reject(this.failure(error));
          else resolve(value);
        },
      );
    });
  }

  private failure(error: ServiceError): HubApiError {
    const reason = REASONS[error.code] ?? "Failed";
    switch (reason) {
      case "Unavailable":
        return new HubApiError(
          reason,
          `cannot reach the hub at ${this.address}: ${error.details}`,
          { cause: error },
        );
      case "Timeout":
        return new HubApiError(
          reason,
          `the hub at ${this.address} did not answer within ${this.timeoutMs / 1000}s`,
          { cause: error },
        );
      default:
        return new HubApiError(reason, error.details, { cause: error });
    }
  }
}
