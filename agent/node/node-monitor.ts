// The node's own loop: on each tick it samples the node and its pods' containers, asks whether
// the engine answers (the observer's relists tell), and derives the conditions. Conditions that
// change are pushed at once; usage goes out every tick as a small delta.
import type { NodeCondition } from "kubernetes-types/core/v1.js";
import type { Logger } from "winston";
import type { NodeUsage, PodUsage } from "../../proto/hub-agent-frames.js";
import type { ObservedContainer } from "../runtime/runtime.js";
import { conditionsChanged, nodeConditions } from "./node-conditions.js";
import type { NodeSample, NodeSampler } from "./node-sampler.js";
import type { PodUsageCollector } from "./pod-usage.js";
import type { PressureSignal } from "./thresholds.js";

/** Ready that is not True, or a pressure that is. */
function isUnhealthy(c: NodeCondition): boolean {
  return c.type === "Ready" ? c.status !== "True" : c.status === "True";
}

export interface UsageSample {
  time: string;
  windowSeconds: number;
  node: NodeUsage;
  pods: PodUsage[];
}

export interface NodeMonitorOptions {
  /** Why the container engine counts as down (Ready=False), or undefined while it answers. */
  runtimeProblem: () => string | undefined;
  sampler: NodeSampler;
  collector: PodUsageCollector;
  /** The running containers of each pod on the node, as the observer last saw them. */
  podContainers: () => ReadonlyMap<string, readonly ObservedContainer[]>;
  thresholds: Readonly<Record<PressureSignal, string>>;
  intervalMs: number;
  logger: Logger;
  onConditionsChanged: (conditions: NodeCondition[]) => void;
  onUsage: (usage: UsageSample) => void;
}

export class NodeMonitor {
  private timer?: NodeJS.Timeout;
  private current: NodeCondition[] = [];
  private latest?: UsageSample;
  private running?: Promise<void>;

  constructor(private readonly opts: NodeMonitorOptions) {}

  /**
   * Samples now (which also primes the cpu and network rates) and then once per interval, in the
   * background, so as not to hold up the agent's start. Conditions reach the hub when they are
   * known.
   */
  start(): void {
    this.timer = setInterval(() => void this.tick(), this.opts.intervalMs);
    void this.tick();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  conditions(): NodeCondition[] {
    return this.current;
  }

  usage(): UsageSample | undefined {
    return this.latest;
  }

  /** One sample at a time: a slow one (a hung engine) is not stacked on. */
  private tick(): Promise<void> {
    this.running ??= this.sample().finally(() => (this.running = undefined));
    return this.running;
  }

  private async sample(): Promise<void> {
    const { logger } = this.opts;
    try {
      const [node, pods] = await Promise.all([
        this.opts.sampler.sample(),
        this.opts.collector.collect(this.opts.podContainers()),
      ]);
      const runtimeProblem = this.opts.runtimeProblem();
      const now = new Date();
      const next = nodeConditions(
        {
          memoryAvailableBytes: node.memoryAvailableBytes,
          memoryTotalBytes: node.memoryTotalBytes,
          nodefsAvailableBytes: node.nodefsAvailableBytes,
          nodefsTotalBytes: node.nodefsTotalBytes,
          pidAvailable: node.pidAvailable,
          pidMax: node.pidMax,
          ...(runtimeProblem === undefined ? {} : { runtimeProblem }),
        },
        this.opts.thresholds,
        this.current,
        now,
      );
      const changed = conditionsChanged(this.current, next);
      this.current = next;
      if (changed) {
        for (const c of next.filter(isUnhealthy)) {
          logger.warn("node condition", { type: c.type, status: c.status, message: c.message });
        }
        this.opts.onConditionsChanged(next);
      }
      this.latest = {
        time: now.toISOString(),
        windowSeconds: Math.round(this.opts.intervalMs / 1000),
        node: nodeUsage(node),
        pods,
      };
      this.opts.onUsage(this.latest);
    } catch (error) {
      logger.warn("sampling the node failed", { error: String(error) });
    }
  }
}

function nodeUsage(s: NodeSample): NodeUsage {
  return {
    cpuNanoCores: Math.round(s.cpuCores * 1e9),
    memoryWorkingSetBytes: s.memoryWorkingSetBytes,
    memoryAvailableBytes: s.memoryAvailableBytes,
    fsUsedBytes: s.nodefsUsedBytes,
    fsAvailableBytes: s.nodefsAvailableBytes,
    fsCapacityBytes: s.nodefsTotalBytes,
    networkRxBytesPerSecond: Math.round(s.networkRxBytesPerSecond),
    networkTxBytesPerSecond: Math.round(s.networkTxBytesPerSecond),
  };
}
