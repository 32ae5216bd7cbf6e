// The exec handler: runs the command in the container; exit code 0 passes. A command still
// running at the timeout fails the probe, as Kubernetes counts it since 1.20 (Docker cannot kill
// an exec'd process, so a hung command lingers in the container until it ends by itself).
import type { ContainerRuntime } from "../runtime/runtime.js";
import { failure, success, type ProbeResult } from "./probe-result.js";
import { errorMessage } from "../error-message.js";

export async function execProbe(
  runtime: ContainerRuntime,
  containerId: string,
  command: string[],
  timeoutMs: number,
): Promise<ProbeResult> {
  const quoted = JSON.stringify(command.join(" "));
  try {
    const result = await runtime.exec(containerId, command, timeoutMs);
    if (result.timedOut) return failure(`command ${quoted} timed out`);
    if (result.exitCode === 0) return success(result.output);
    const output = result.output.trim();
    return failure(output || `command ${quoted} exited with code ${result.exitCode ?? "unknown"}`);
  } catch (err) {
    return failure(`exec ${quoted} failed: ${errorMessage(err)}`);
  }
}
