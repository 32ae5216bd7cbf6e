// The part of unix-dgram (no bundled types) that sd-notify.ts uses.
declare module "unix-dgram" {
  import type { EventEmitter } from "node:events";

  interface UnixDgramSocket extends EventEmitter {
    send(
      buf: Buffer,
      offset: number,
      length: number,
      path: string,
      callback?: (error?: Error) => void,
    ): void;
    close(): void;
  }

  export function createSocket(type: "unix_dgram"): UnixDgramSocket;
}
