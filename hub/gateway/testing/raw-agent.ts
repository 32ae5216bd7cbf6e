// An agent for gateway tests that speaks the protocol by hand over a real `ws` client, so a test
// can send what a correct agent never would (garbage, oversized frames, frames out of order).
import { WebSocket, type ClientOptions } from "ws";
import { HubAgentCodec } from "../../../proto/hub-agent-codec.js";
import {
  PROTOCOL_VERSION,
  type AgentFrame,
  type AgentHello,
  type HubFrame,
  type ReceivedPod,
} from "../../../proto/hub-agent-frames.js";
import { waitFor } from "../../../test/support/wait.js";

export type ReceivedFrame = HubFrame<ReceivedPod>;

export interface Closed {
  code: number;
  reason: string;
}

export class RawAgent {
  readonly frames: ReceivedFrame[] = [];
  closed?: Closed;
  /** Set when the hub answered the upgrade with an HTTP status instead of a WebSocket. */
  refusedStatus?: number;
  private readonly codec = new HubAgentCodec();
  private readonly socket: WebSocket;
  private read = 0;

  constructor(url: string, token: string | undefined, options: ClientOptions = {}) {
    const headers: Record<string, string> =
      token === undefined ? {} : { Authorization: `Bearer ${token}` };
    this.socket = new WebSocket(`${url}/agent`, { ...options, headers });
    this.socket.on("message", (data) => {
      if (data instanceof Uint8Array) this.frames.push(this.codec.decodeHubFrame(data));
    });
    this.socket.on("unexpected-response", (_req, res) => {
      this.refusedStatus = res.statusCode;
      this.socket.terminate();
    });
    // Errors are expected here (refused upgrades, closes mid-write); `closed` tells the story.
    this.socket.on("error", () => undefined);
    this.socket.on("close", (code, reason) => {
      this.closed = { code, reason: reason.toString() };
    });
  }

  opened(): Promise<void> {
    return waitFor(() => this.socket.readyState === WebSocket.OPEN, {
      what: "the WebSocket to open",
    }).then(() => undefined);
  }

  send(frame: AgentFrame): void {
    this.sendBytes(this.codec.encodeAgentFrame(frame));
  }

  sendBytes(data: Uint8Array): void {
    this.socket.send(data);
  }

  /** A text frame, which the protocol never uses. */
  sendText(text: string): void {
    this.socket.send(text);
  }

  async hello(nodeName: string, overrides: Partial<AgentHello> = {}): Promise<void> {
    await this.opened();
    this.send({ kind: "hello", hello: { ...helloFor(nodeName), ...overrides } });
  }

  /** The next frame not yet read by a test. */
  async next(): Promise<ReceivedFrame> {
    const frame = await waitFor(() => this.frames[this.read], {
      what: `hub frame #${this.read + 1}`,
    });
    this.read++;
    return frame;
  }

  async nextOf<K extends ReceivedFrame["kind"]>(
    kind: K,
  ): Promise<Extract<ReceivedFrame, { kind: K }>> {
    const frame = await this.next();
    if (!isKind(frame, kind)) throw new Error(`expected ${kind}, got ${JSON.stringify(frame)}`);
    return frame;
  }

  waitClosed(): Promise<Closed> {
    return waitFor(() => this.closed, { what: "the connection to close" });
  }

  close(): void {
    this.socket.terminate();
  }
}

function isKind<K extends ReceivedFrame["kind"]>(
  frame: ReceivedFrame,
  kind: K,
): frame is Extract<ReceivedFrame, { kind: K }> {
  return frame.kind === kind;
}

export function helloFor(nodeName: string): AgentHello {
  return {
    protocolVersion: PROTOCOL_VERSION,
    nodeName,
    agentVersion: "0.0.0-test",
    labels: { "kubernetes.io/hostname": nodeName },
    capacity: { cpu: "4", memory: "8Gi", pods: "110" },
    addresses: [{ type: "InternalIP", address: "10.0.0.1" }],
    nodeInfo: {
      osImage: "Test Linux",
      kernelVersion: "6.1.0",
      architecture: "amd64",
      containerRuntimeVersion: "docker://27.0.0",
    },
    runningPodUids: [],
    allocatable: {},
    taints: [],
    lastAppliedVersion: 0,
  };
}
