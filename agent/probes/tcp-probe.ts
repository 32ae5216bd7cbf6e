// The tcpSocket handler: passes when a TCP connection opens within the timeout; nothing is sent.
import { connect } from "node:net";
import { networkErrorWords } from "./network-error.js";
import { failure, success, type ProbeResult } from "./probe-result.js";
import { hostPort } from "./host-port.js";

export function tcpProbe(host: string, port: number, timeoutMs: number): Promise<ProbeResult> {
  const target = `dial tcp ${hostPort(host, port)}`;
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const settle = (result: ProbeResult) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => settle(failure(`${target}: i/o timeout`)), timeoutMs);
    socket.once("connect", () => settle(success()));
    socket.once("error", (err) => settle(failure(`${target}: connect: ${networkErrorWords(err)}`)));
  });
}
