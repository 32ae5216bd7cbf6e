import type { Logger } from "winston";
import type { DesiredPod, DefaultedContainer } from "./pods/desired-pod.js";
import type { ContainerRuntime, RegistryCredentials } from "./runtime/runtime.js";
import { ImageNotFoundError } from "./runtime/runtime-errors.js";
import { backoffKey, type BackoffTracker } from "./backoff.js";
import type { Step } from "./planner.js";
import { buildContainerSpec } from "./pods/container-spec.js";
import type { PodVolumes } from "./pod-volumes.js";
import { isHostPathError } from "../hostpaths/index.js";
import { isRegistryAuthError, type RegistryAuthFile } from "./registry-auth.js";
import { runHook } from "./lifecycle-hooks.js";
import { errorMessage } from "./error-message.js";

export type StepResult = { ok: true } | { ok: false; reason: string; message: string };

/** What a container waits for while a step for it still runs, as a pod status shows it. */
export interface ContainerWaiting {
  reason: string;
  message: string;
}

export interface StepContext {
  uid: string;
  /** The pod as last desired; for a pod being removed, its last spec (for preStop hooks). */
  pod?: DesiredPod;
  /** A long step (an image pull) says what the container waits for, so the status can show it. */
  onProgress(containerName: string, waiting: ContainerWaiting): void;
}

export interface NodeFacts {
  hostIP: string;
  capacity: { cpuCores: number; memoryBytes: number };
}

type Handlers = {
  [K in Step["kind"]]: (step: Extract<Step, { kind: K }>, ctx: StepContext) => Promise<StepResult>;
};

const OK: StepResult = { ok: true };
/** The kubelet gives postStart no deadline; a hung hook must not hold the pod's worker forever. */
const POST_START_TIMEOUT_MS = 120_000;

/** Carries out planner steps against the runtime: one handler per step kind, nothing else. */
export class StepExecutor {
  private readonly handlers: Handlers = {
    kill: async (step, ctx) => {
      const c = step.container;
      this.logger.info("stopping container", {
        ...podFields(c.podName, c.namespace, c.podUid),
        container: c.containerName,
        containerId: short(c.id),
        reason: step.reason,
        gracePeriodSeconds: step.gracePeriodSeconds,
      });
      const started = Date.now();
      const spec = ctx.pod?.spec.containers.find((x) => x.name === c.containerName);
      if (spec && c.state === "running") {
        // preStop runs inside the grace period; what it leaves is the time SIGTERM gets.
        const hook = await runHook(
          "preStop",
          {
            runtime: this.runtime,
            containerId: c.id,
            container: spec,
            address: c.ipAddress ?? this.node.hostIP,
          },
          step.gracePeriodSeconds * 1000,
        );
        if (hook?.outcome === "failure") {
          this.logger.warn("preStop hook failed", {
            containerId: short(c.id),
            error: hook.message,
          });
        }
      }
      const left = step.gracePeriodSeconds - Math.floor((Date.now() - started) / 1000);
      // As the kubelet does: SIGTERM always gets a short moment, even after a slow preStop.
      await this.runtime.stop(c.id, Math.max(left, Math.min(2, step.gracePeriodSeconds)));
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
    start: async (step, ctx) => {
      const c = step.container;
      this.logger.info("starting container", {
        ...podFields(c.podName, c.namespace, c.podUid),
        container: c.containerName,
        containerId: short(c.id),
        reason: step.reason,
      });
      if (ctx.pod) {
        // The container binds pin points made when it was created; a reboot since then took
        // the pins away, so pin again rather than start on empty points.
        try {
          await this.volumes.prepare(ctx.pod);
        } catch (err) {
          if (isHostPathError(err)) return { ok: false, reason: err.reason, message: err.message };
          throw err;
        }
      }
      const spec = ctx.pod?.spec.containers.find((x) => x.name === c.containerName);
      return this.startContainer(c.id, spec, ctx.pod);
    },
    run: async (step, ctx) => {
      if (!ctx.pod) throw new Error(`run step for pod ${ctx.uid} without a desired pod`);
      return this.run(ctx.pod, step, ctx);
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
    private readonly registryAuth: RegistryAuthFile,
    private readonly logger: Logger,
    /** Told how long each step took, for the agent's metrics. */
    private readonly onStepDone: (
      step: Step["kind"],
      seconds: number,
      ok: boolean,
    ) => void = () => {},
  ) {}

  /** Engine errors on kill/remove/cleanup become a failed result, never a crash of the worker. */
  async execute(step: Step, ctx: StepContext): Promise<StepResult> {
    const handler = this.handlers[step.kind] as (s: Step, c: StepContext) => Promise<StepResult>;
    const started = performance.now();
    try {
      const result = await handler(step, ctx);
      this.onStepDone(step.kind, (performance.now() - started) / 1000, result.ok);
      return result;
    } catch (err) {
      this.onStepDone(step.kind, (performance.now() - started) / 1000, false);
      const message = errorMessage(err);
      this.logger.warn("step failed; will retry", {
        podUid: ctx.uid,
        step: step.kind,
        error: message,
      });
      return { ok: false, reason: "RuntimeError", message };
    }
  }

  private async run(
    pod: DesiredPod,
    step: Extract<Step, { kind: "run" }>,
    ctx: StepContext,
  ): Promise<StepResult> {
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
    const spec = buildContainerSpec(pod, step.container, {
      hostIP: this.node.hostIP,
      nodeCapacity: this.node.capacity,
      attempt: step.attempt,
      volumes: prepared.volumes,
      subPaths: prepared.subPaths,
    });
    // Always pulls first. Otherwise the create itself tells whether the image is here, which
    // spares the usual case (it is) a round trip to the engine to look for it.
    const pullFirst = step.container.imagePullPolicy === "Always";
    if (pullFirst) {
      const image = await this.ensureImage(step.container, fields, ctx);
      if (!image.ok) return failed(image.reason, image.message);
    }
    let id: string;
    try {
      id = await this.runtime.create(spec);
    } catch (err) {
      if (pullFirst || !(err instanceof ImageNotFoundError)) return createFailed(failed, err);
      const image = await this.ensureImage(step.container, fields, ctx);
      if (!image.ok) return failed(image.reason, image.message);
      try {
        id = await this.runtime.create(spec);
      } catch (again) {
        return createFailed(failed, again);
      }
    }
    this.logger.info("starting container", {
      ...fields,
      containerId: short(id),
      attempt: step.attempt,
      reason: step.reason,
    });
    return this.startContainer(id, step.container, pod);
  }

  private async startContainer(
    id: string,
    spec: DefaultedContainer | undefined,
    pod: DesiredPod | undefined,
  ): Promise<StepResult> {
    try {
      await this.runtime.start(id);
    } catch (err) {
      const message = errorMessage(err);
      this.logger.warn("container failed to start", { containerId: short(id), error: message });
      return { ok: false, reason: "RunContainerError", message };
    }
    return spec && pod ? this.postStart(id, spec, pod) : OK;
  }

  /** A failed postStart hook kills the container, as the kubelet does; restartPolicy decides. */
  private async postStart(
    id: string,
    spec: DefaultedContainer,
    pod: DesiredPod,
  ): Promise<StepResult> {
    if (!spec.lifecycle?.postStart) return OK;
    const address = pod.spec.hostNetwork
      ? this.node.hostIP
      : (await this.runtime.inspect(id))?.ipAddress;
    const grace = pod.spec.terminationGracePeriodSeconds;
    const hook = await runHook(
      "postStart",
      { runtime: this.runtime, containerId: id, container: spec, address },
      POST_START_TIMEOUT_MS,
    );
    if (hook?.outcome !== "failure") return OK;
    const message = `postStart hook failed: ${hook.message}`;
    this.logger.warn("container killed: PostStartHookError", {
      containerId: short(id),
      error: message,
    });
    await this.runtime.stop(id, grace);
    return { ok: false, reason: "PostStartHookError", message };
  }

  private async ensureImage(
    container: DefaultedContainer,
    fields: Record<string, string>,
    ctx: StepContext,
  ): Promise<StepResult> {
    const { image, imagePullPolicy } = container;
    // Always pulls even when the image is here: the tag may point elsewhere in the registry now.
    if (imagePullPolicy !== "Always" && (await this.runtime.imagePresent(image))) return OK;
    if (imagePullPolicy === "Never") {
      return {
        ok: false,
        reason: "ErrImageNeverPull",
        message: `Container image "${image}" is not present with pull policy of Never`,
      };
    }
    const pullFailed = (message: string): StepResult => ({
      ok: false,
      reason: "ErrImagePull",
      message: `failed to pull image "${image}": ${message}`,
    });
    let credentials: RegistryCredentials | undefined;
    try {
      credentials = await this.registryAuth.credentialsFor(image);
    } catch (err) {
      if (isRegistryAuthError(err)) return pullFailed(err.message);
      throw err;
    }
    const started = Date.now();
    this.logger.info("pulling image", { ...fields, image, authenticated: !!credentials });
    // One fixed message for the whole pull: byte counts would send the hub a status per tick.
    ctx.onProgress(container.name, {
      reason: "ContainerCreating",
      message: `Pulling image "${image}"`,
    });
    let lastLog = 0;
    try {
      await this.runtime.pullImage(
        image,
        (p) => {
          // Progress arrives many times a second per layer: a line every few seconds is enough.
          if (Date.now() - lastLog < 5000) return;
          lastLog = Date.now();
          this.logger.info("pulling image", {
            ...fields,
            image,
            status: p.status,
            progress: p.progress,
          });
        },
        credentials,
      );
    } catch (err) {
      return pullFailed(errorMessage(err));
    }
    this.logger.info("pulled image", { ...fields, image, seconds: (Date.now() - started) / 1000 });
    return OK;
  }
}

function createFailed(
  failed: (reason: string, message: string) => StepResult,
  err: unknown,
): StepResult {
  return failed("CreateContainerError", errorMessage(err));
}

function podFields(name: string, namespace: string, uid: string): Record<string, string> {
  return { pod: `${namespace}/${name}`, podUid: uid };
}

function short(id: string): string {
  return id.slice(0, 12);
}
