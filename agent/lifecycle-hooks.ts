import { setTimeout as sleep } from "node:timers/promises";
import type { Container, LifecycleHandler } from "kubernetes-types/core/v1.js";
import type { ContainerRuntime } from "./runtime/runtime.js";
import { failure, handlerOf, runHandler, success, type ProbeResult } from "./probes/index.js";
import { packageVersion } from "../cli/package-version.js";

export type HookName = "postStart" | "preStop";

export interface HookTarget {
  runtime: ContainerRuntime;
  containerId: string;
  container: Container;
  /** The pod's address (the node's for host-network pods), for httpGet and tcpSocket hooks. */
  address: string | undefined;
}

/**
 * Runs a container's postStart or preStop hook once, within `timeoutMs`; undefined when the
 * container has none. Never throws: a failure is a result with the handler's message.
 */
export async function runHook(
  name: HookName,
  target: HookTarget,
  timeoutMs: number,
): Promise<ProbeResult | undefined> {
  const hook: LifecycleHandler | undefined = target.container.lifecycle?.[name];
  if (!hook) return undefined;
  if (hook.sleep) {
    await sleep(Math.min(hook.sleep.seconds * 1000, timeoutMs));
    return success(`slept ${hook.sleep.seconds}s`);
  }
  const handler = handlerOf(hook);
  if (!handler) return failure(`${name} hook has no handler`);
  return runHandler(handler, timeoutMs, {
    ...target,
    userAgent: `daemonlet-hook/${packageVersion()}`,
  });
}
