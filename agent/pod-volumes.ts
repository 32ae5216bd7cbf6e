import { chmod, mkdir, rm } from "node:fs/promises";
import path from "node:path";
import type { Logger } from "winston";
import { podContainers, type DesiredPod } from "./pods/desired-pod.js";
import type { ResolvedVolume } from "./pods/container-spec.js";
import { parseQuantity } from "./pods/quantity.js";
import {
  HostPathError,
  resolveHostPath,
  resolveSubPath,
  type HostPathPolicy,
  type HostPathType,
} from "../hostpaths/index.js";
import { HostPathPins, PathChangedError } from "../hostpaths/pin.js";

export interface PreparedVolumes {
  volumes: Map<string, ResolvedVolume>;
  /** Resolved sources of mounts with a subPath, keyed `${containerName}/${mountIndex}`. */
  subPaths: Map<string, string>;
}

/**
 * Turns a pod's volumes into things to mount: hostPaths through the node's policy, emptyDirs as
 * directories in the agent's state dir (or tmpfs for medium Memory), which live as long as the pod.
 * hostPaths and subPaths are pinned (hostpaths/pin.ts) where the agent may mount, so what was
 * judged is what Docker binds.
 */
export class PodVolumes {
  private pins?: HostPathPins;

  constructor(
    private readonly stateDir: string,
    private readonly policy: HostPathPolicy,
    private readonly logger: Logger,
  ) {}

  /** Pins from now on, or says loudly why the paths are bound as they are. */
  async enablePinning(): Promise<void> {
    const pins = new HostPathPins(path.join(this.stateDir, "pins"));
    const problem = await pins.problem();
    if (problem === undefined) {
      this.pins = pins;
      return;
    }
    this.logger.warn(
      "cannot pin hostPath volumes (the agent needs root and the engine's mount namespace); " +
        "binding their paths directly, so a path swapped for a link after the check is not caught",
      { error: problem },
    );
  }

  /** Throws HostPathError naming the volume, the path and the rule that refused it. */
  async prepare(pod: DesiredPod): Promise<PreparedVolumes> {
    const volumes = new Map<string, ResolvedVolume>();
    for (const volume of pod.spec.volumes ?? []) {
      const mounts = podContainers(pod).flatMap((c) =>
        (c.volumeMounts ?? []).filter((m) => m.name === volume.name),
      );
      if (volume.hostPath) {
        const resolved = await resolveHostPath(
          {
            volumeName: volume.name,
            path: volume.hostPath.path,
            type: (volume.hostPath.type ?? "") as HostPathType,
            readOnly: mounts.length > 0 && mounts.every((m) => m.readOnly === true),
          },
          this.policy,
        );
        volumes.set(volume.name, {
          kind: "bind",
          source: await this.pin(resolved.source, pod.uid, `volumes/${volume.name}`, {
            volume: volume.name,
            path: volume.hostPath.path,
          }),
          readOnly: resolved.readOnly,
        });
      } else if (volume.emptyDir?.medium === "Memory") {
        const limit = volume.emptyDir.sizeLimit;
        volumes.set(volume.name, {
          kind: "tmpfs",
          sizeBytes: limit === undefined ? undefined : parseQuantity(String(limit)),
        });
      } else if (volume.emptyDir) {
        const dir = path.join(this.podDir(pod.uid), "volumes", "empty-dir", volume.name);
        // Like the kubelet: world-writable whatever the agent's umask (mkdir's mode is filtered
        // through it, 0755 with the usual 022), so containers that run as a non-root user can
        // write to it too. Only when just made: a mode the pod set later is the pod's business.
        if ((await mkdir(dir, { recursive: true, mode: 0o777 })) !== undefined) {
          await chmod(dir, 0o777);
        }
        volumes.set(volume.name, { kind: "bind", source: dir, readOnly: false });
      }
    }
    return { volumes, subPaths: await this.resolveSubPaths(pod, volumes) };
  }

  /** Releases what pods other than these left behind (they went while the agent was away). */
  async releaseAllBut(podUids: Set<string>): Promise<void> {
    await this.pins?.unpinAllBut(podUids);
  }

  async cleanup(podUid: string): Promise<void> {
    await this.pins?.unpinPod(podUid);
    await rm(this.podDir(podUid), { recursive: true, force: true });
  }

  private async pin(
    real: string,
    podUid: string,
    key: string,
    asked: { volume: string; path: string },
  ): Promise<string> {
    if (!this.pins) return real;
    try {
      return await this.pins.pin(real, podUid, key);
    } catch (error) {
      if (!(error instanceof PathChangedError)) throw error;
      throw new HostPathError("HostPathChanged", asked.volume, asked.path, error.message);
    }
  }

  private podDir(podUid: string): string {
    return path.join(this.stateDir, "pods", podUid);
  }

  private async resolveSubPaths(
    pod: DesiredPod,
    volumes: Map<string, ResolvedVolume>,
  ): Promise<Map<string, string>> {
    const subPaths = new Map<string, string>();
    for (const c of podContainers(pod)) {
      for (const [i, m] of (c.volumeMounts ?? []).entries()) {
        if (!m.subPath) continue;
        const volume = volumes.get(m.name);
        if (volume?.kind !== "bind") {
          throw new HostPathError(
            "SubPathInvalid",
            m.name,
            m.subPath,
            `subPath ${m.subPath} is only supported on hostPath and disk-backed emptyDir volumes`,
          );
        }
        // Nothing is created under a read-only root: there the subPath must exist already.
        const source = await resolveSubPath(volume.source, m.subPath, {
          create: !volume.readOnly,
          volumeName: m.name,
        });
        subPaths.set(
          `${c.name}/${i}`,
          await this.pin(source, pod.uid, `subpaths/${c.name}/${i}`, {
            volume: m.name,
            path: m.subPath,
          }),
        );
      }
    }
    return subPaths;
  }
}
