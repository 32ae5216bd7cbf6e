import type { Logger } from "winston";
import type { DesiredPod, DefaultedContainer } from "./pods/desired-pod.js";
import type { ContainerRuntime } from "./runtime/runtime.js";
import { backoffKey, type BackoffTracker } from "./backoff.js";
import type { Step } from "./planner.js";
import { buildContainerSpec } from "./pods/container-spec.js";
import type { PodVolumes } from "./pod-volumes.js";
import { isHostPathError } from "../hostpaths/index.js";

export type StepResult = { ok: true } | { ok: false; reason: string; message: string };

export interface StepContext {
  uid: string;
  pod?: DesiredPod;
}

export interface NodeFacts {
  hostIP: string;
  capacity: { cpuCores: number; memoryBytes: number };
}

type Handlers = {
  [K in Step["kind"]]: (step: Extract<Step, { kind: K }>, ctx: StepContext) => Promise<StepResult>;
};

const OK: StepResult = { ok: true };

/** Carries out planner steps against the runtime: one handler per step kind, nothing else. */
export class StepExecutor {
  private readonly handlers: Handlers = {
    kill: async (step) => {
      const c = step.container;
      this.logger.info("stopping container", {
        ...podFields(c.podName, c.namespace, c.podUid),
        container: c.containerName,
        containerId: short(c.id),
        reason: step.reason,
        gracePeriodSeconds: step.gracePeriodSeconds,
      });
      await this.runtime.stop(c.id, step.gracePeriodSeconds);
      return OK;
    },
    remove: async (step) => {
      const c = step.container;
      this.logger.info("removing container", {
        ...podFields(c.podName, c.namespace, c.podUid),
        container: c.containerName,
        containerId: short(c.id),
        reason: step.reason,
      });
      await this.runtime.remove(c.id);
      return OK;
    },
    start: async (step) => {
      const c = step.container;
      this.logger.info("starting container", {
        ...podFields(c.podName, c.namespace, c.podUid),
        container: c.containerName,
        containerId: short(c.id),
        reason: step.reason,
      });
      return this.startContainer(c.id);
    },
    run: async (step, ctx) => {
      if (!ctx.pod) throw new Error(`run step for pod ${ctx.uid} without a desired pod`);
      return this.run(ctx.pod, step);
    },
    wait: async () => OK,
    cleanup: async (step, ctx) => {
      this.logger.info("pod gone; removing its volumes", { podUid: ctx.uid, reason: step.reason });
      await this.volumes.cleanup(ctx.uid);
      this.backoff.forgetPod(ctx.uid);
      return OK;
    },
  };

  constructor(
    private readonly runtime: ContainerRuntime,
    private readonly volumes: PodVolumes,
    private readonly backoff: BackoffTracker,
    private readonly node: NodeFacts,
    private readonly logger: Logger,
  ) {}

  /** Engine errors on kill/remove/cleanup become a failed result, never a crash of the worker. */
  async execute(step: Step, ctx: StepContext): Promise<StepResult> {
    const handler = this.handlers[step.kind] as (s: Step, c: StepContext) => Promise<StepResult>;
    try {
      return await handler(step, ctx);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.logger.warn("step failed; will retry", {
        podUid: ctx.uid,
        step: step.kind,
        error: message,
      });
      return { ok: false, reason: "RuntimeError", message };
    }
  }

  private async run(pod: DesiredPod, step: Extract<Step, { kind: "run" }>): Promise<StepResult> {
    const key = backoffKey(pod.uid, step.container.name);
    if (step.backoff === "reset") this.backoff.reset(key);
    if (step.backoff !== "none") this.backoff.recordRestart(key);
    const fields = {
      ...podFields(pod.name, pod.namespace, pod.uid),
      container: step.container.name,
    };
    const failed = (reason: string, message: string): StepResult => {
      // A restart already moved the back-off; a first run or a retry is held back by its failure.
      if (step.backoff === "none") this.backoff.recordRestart(key);
      this.logger.warn("cannot run container", { ...fields, reason, message });
      return { ok: false, reason, message };
    };

    let prepared;
    try {
      prepared = await this.volumes.prepare(pod);
    } catch (err) {
      if (isHostPathError(err)) return failed(err.reason, err.message);
      throw err;
    }
    const image = await this.ensureImage(step.container, fields);
    if (!image.ok) return failed(image.reason, image.message);

    const spec = buildContainerSpec(pod, step.container, {
      hostIP: this.node.hostIP,
      nodeCapacity: this.node.capacity,
      attempt: step.attempt,
      volumes: prepared.volumes,
      subPaths: prepared.subPaths,
    });
    let id: string;
    try {
      id = await this.runtime.create(spec);
    } catch (err) {
      return failed("CreateContainerError", err instanceof Error ? err.message : String(err));
    }
    this.logger.info("starting container", {
      ...fields,
      containerId: short(id),
      attempt: step.attempt,
      reason: step.reason,
    });
    return this.startContainer(id);
  }

  private async startContainer(id: string): Promise<StepResult> {
    try {
      await this.runtime.start(id);
      return OK;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.logger.warn("container failed to start", { containerId: short(id), error: message });
      return { ok: false, reason: "RunContainerError", message };
    }
  }

  private async ensureImage(
    container: DefaultedContainer,
    fields: Record<string, string>,
  ): Promise<StepResult> {
    const { image, imagePullPolicy } = container;
    const present = await this.runtime.imagePresent(image);
    if (imagePullPolicy === "Never") {
      return present
        ? OK
        : {
            ok: false,
            reason: "ErrImageNeverPull",
            message: `Container image "${image}" is not present with pull policy of Never`,
          };
    }
    if (present && imagePullPolicy === "IfNotPresent") return OK;
    const started = Date.now();
    this.logger.info("pulling image", { ...fields, image });
    let lastLog = 0;
    try {
      await this.runtime.pullImage(image, (p) => {
        // Progress arrives many times a second per layer: a line every few seconds is enough.
        if (Date.now() - lastLog < 5000) return;
        lastLog = Date.now();
        this.logger.info("pulling image", {
          ...fields,
          image,
          status: p.status,
          progress: p.progress,
        });
      });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      return {
        ok: false,
        reason: "ErrImagePull",
        message: `failed to pull image "${image}": ${message}`,
      };
    }
    this.logger.info("pulled image", { ...fields, image, seconds: (Date.now() - started) / 1000 });
    return OK;
  }
}

function podFields(name: string, namespace: string, uid: string): Record<string, string> {
  return { pod: `${namespace}/${name}`, podUid: uid };
}

function short(id: string): string {
  return id.slice(0, 12);
}
