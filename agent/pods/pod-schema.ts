// The pod spec subset daemonlet honours, field by field: honoured fields are validated with
// Kubernetes' rules, cluster-only fields are ignored and reported, fields whose absence would
// change what runs are refused. Rules that span containers and volumes are checked here.
import { z } from "zod";
import { HOST_PATH_TYPES } from "../../hostpaths/index.js";
import { containerSchema } from "./container-schema.js";
import { dns1123Label, dns1123Subdomain, hostPathPath } from "./field-formats.js";
import { ignored, refused, type WithoutIgnored } from "./field-policy.js";
import { affinitySchema, nodeSelectorSchema, tolerationSchema } from "./scheduling-schema.js";
import { formatted, nonNegativeInt, quantity, unixId } from "./schema-kit.js";

const unsupportedVolume = (type: string) =>
  refused(`${type} volumes are not supported yet (supported: hostPath, emptyDir)`, () => false);

const volumeSchema = z
  .strictObject({
    name: formatted(dns1123Label),
    hostPath: z
      .strictObject({ path: formatted(hostPathPath), type: z.enum(HOST_PATH_TYPES).optional() })
      .optional(),
    emptyDir: z
      .strictObject({
        medium: z.enum(["", "Memory"], { error: 'must be "" (disk) or Memory' }).optional(),
        sizeLimit: quantity.optional(),
      })
      .optional(),
    awsElasticBlockStore: unsupportedVolume("awsElasticBlockStore"),
    azureDisk: unsupportedVolume("azureDisk"),
    azureFile: unsupportedVolume("azureFile"),
    cephfs: unsupportedVolume("cephfs"),
    cinder: unsupportedVolume("cinder"),
    configMap: unsupportedVolume("configMap"),
    csi: unsupportedVolume("csi"),
    downwardAPI: unsupportedVolume("downwardAPI"),
    ephemeral: unsupportedVolume("ephemeral"),
    fc: unsupportedVolume("fc"),
    flexVolume: unsupportedVolume("flexVolume"),
    flocker: unsupportedVolume("flocker"),
    gcePersistentDisk: unsupportedVolume("gcePersistentDisk"),
    gitRepo: unsupportedVolume("gitRepo"),
    glusterfs: unsupportedVolume("glusterfs"),
    image: unsupportedVolume("image"),
    iscsi: unsupportedVolume("iscsi"),
    nfs: unsupportedVolume("nfs"),
    persistentVolumeClaim: unsupportedVolume("persistentVolumeClaim"),
    photonPersistentDisk: unsupportedVolume("photonPersistentDisk"),
    portworxVolume: unsupportedVolume("portworxVolume"),
    projected: unsupportedVolume("projected"),
    quobyte: unsupportedVolume("quobyte"),
    rbd: unsupportedVolume("rbd"),
    scaleIO: unsupportedVolume("scaleIO"),
    secret: unsupportedVolume("secret"),
    storageos: unsupportedVolume("storageos"),
    vsphereVolume: unsupportedVolume("vsphereVolume"),
  })
  .superRefine((v, ctx) => {
    if (v.hostPath === undefined && v.emptyDir === undefined) {
      ctx.addIssue({ code: "custom", message: "must set a volume type: hostPath or emptyDir" });
    } else if (v.hostPath !== undefined && v.emptyDir !== undefined) {
      ctx.addIssue({
        code: "custom",
        message: "must set only one volume type",
        path: ["emptyDir"],
      });
    }
  });

const podSecurityContext = z.strictObject({
  runAsUser: unixId.optional(),
  runAsGroup: unixId.optional(),
  runAsNonRoot: z.boolean().optional(),
  // Accepted, not applied yet: the runtime seam has no supplementary groups.
  fsGroup: unixId.optional(),
  fsGroupChangePolicy: ignored(),
  seccompProfile: ignored(),
  seLinuxOptions: ignored(),
  appArmorProfile: ignored(),
  windowsOptions: ignored(),
  supplementalGroups: refused("supplementalGroups are not supported yet"),
  sysctls: refused("sysctls are not supported yet"),
});

const podSpecFields = z.strictObject({
  containers: z.array(containerSchema).min(1, "must have at least one container"),
  initContainers: z.array(containerSchema).optional(),
  volumes: z.array(volumeSchema).optional(),
  hostNetwork: z.boolean().optional(),
  hostPID: z.boolean().optional(),
  restartPolicy: z.enum(["Always", "OnFailure", "Never"]).optional(),
  terminationGracePeriodSeconds: nonNegativeInt.optional(),
  securityContext: podSecurityContext.optional(),
  nodeName: formatted(dns1123Subdomain).optional(),
  nodeSelector: nodeSelectorSchema.optional(),
  affinity: affinitySchema.optional(),
  tolerations: z.array(tolerationSchema).optional(),
  // Only meaningful inside a Kubernetes cluster (service accounts, cluster DNS, the scheduler,
  // priority and preemption, registry secrets the cluster holds).
  automountServiceAccountToken: ignored(),
  dnsConfig: ignored(),
  dnsPolicy: ignored(),
  enableServiceLinks: ignored(),
  imagePullSecrets: ignored(),
  os: ignored(),
  overhead: ignored(),
  preemptionPolicy: ignored(),
  priority: ignored(),
  priorityClassName: ignored(),
  readinessGates: ignored(),
  schedulerName: ignored(),
  schedulingGates: ignored(),
  serviceAccount: ignored(),
  serviceAccountName: ignored(),
  setHostnameAsFQDN: ignored(),
  subdomain: ignored(),
  topologySpreadConstraints: ignored(),
  // Would change what runs.
  activeDeadlineSeconds: refused("activeDeadlineSeconds is not supported yet"),
  ephemeralContainers: refused("ephemeralContainers are not supported yet"),
  hostAliases: refused("hostAliases are not supported yet"),
  hostIPC: refused("hostIPC is not supported yet"),
  hostname: refused("setting the pod hostname is not supported yet"),
  hostUsers: refused("user namespaces (hostUsers: false) are not supported yet", (v) => v === true),
  resourceClaims: refused("resource claims are not supported yet"),
  runtimeClassName: refused("runtimeClassName is not supported yet"),
  shareProcessNamespace: refused("shareProcessNamespace is not supported yet"),
});

type Issue = (message: string, path: (string | number)[]) => void;

export const podSpecSchema = podSpecFields.superRefine((spec, ctx) => {
  const issue: Issue = (message, path) => ctx.addIssue({ code: "custom", message, path });
  checkUniqueNames(spec, issue);
  checkInitContainers(spec, issue);
  checkVolumeMounts(spec, issue);
  checkHostPorts(spec, issue);
  checkUsers(spec, issue);
});

/** A validated pod spec before defaults, without the fields daemonlet ignores. */
export type ValidPodSpec = WithoutIgnored<z.output<typeof podSpecSchema>>;
type ParsedSpec = z.output<typeof podSpecFields>;

type ContainerList = "initContainers" | "containers";
type ParsedContainer = ParsedSpec["containers"][number];

/** One list's containers, each with the path that names it in errors. */
function listed(
  spec: ParsedSpec,
  list: ContainerList,
): [ParsedContainer, [ContainerList, number]][] {
  return (spec[list] ?? []).map((c, i) => [c, [list, i]]);
}

/** Init containers first, as they run. */
function allContainers(spec: ParsedSpec): [ParsedContainer, [ContainerList, number]][] {
  return [...listed(spec, "initContainers"), ...listed(spec, "containers")];
}

// Kubernetes: init containers and app containers share one namespace of names.
function checkUniqueNames(spec: ParsedSpec, issue: Issue): void {
  const seen = new Set<string>();
  for (const [c, at] of allContainers(spec)) {
    if (seen.has(c.name)) issue(`duplicate container name ${c.name}`, [...at, "name"]);
    seen.add(c.name);
  }
  const volumes = new Set<string>();
  for (const [i, v] of (spec.volumes ?? []).entries()) {
    if (volumes.has(v.name)) issue(`duplicate volume name ${v.name}`, ["volumes", i, "name"]);
    volumes.add(v.name);
  }
  for (const [c, at] of allContainers(spec)) {
    for (const [j, env] of (c.env ?? []).entries()) {
      const target = env.valueFrom?.resourceFieldRef?.containerName;
      if (target === undefined || seen.has(target)) continue;
      const path = [...at, "env", j, "valueFrom", "resourceFieldRef", "containerName"];
      issue(`no container named ${target} in this pod`, path);
    }
  }
}

// An init container runs once to completion: probes and hooks have nothing to act on (Kubernetes
// refuses them too, outside sidecar containers, which daemonlet does not support yet).
const NOT_FOR_INIT = ["lifecycle", "livenessProbe", "readinessProbe", "startupProbe"] as const;

function checkInitContainers(spec: ParsedSpec, issue: Issue): void {
  for (const [i, c] of (spec.initContainers ?? []).entries()) {
    for (const field of NOT_FOR_INIT) {
      if (c[field] !== undefined) {
        issue("must not be set for init containers", ["initContainers", i, field]);
      }
    }
  }
}

function checkVolumeMounts(spec: ParsedSpec, issue: Issue): void {
  const volumes = new Map((spec.volumes ?? []).map((v) => [v.name, v]));
  for (const [c, at] of allContainers(spec)) {
    for (const [j, mount] of (c.volumeMounts ?? []).entries()) {
      const volume = volumes.get(mount.name);
      const path = [...at, "volumeMounts", j];
      if (!volume) issue(`no volume named ${mount.name} in this pod`, [...path, "name"]);
      else if (mount.subPath && volume.emptyDir?.medium === "Memory") {
        issue("subPath on a Memory emptyDir is not supported yet", [...path, "subPath"]);
      }
    }
  }
}

// Kubernetes: with host networking a port is the host's port, so hostPort must equal
// containerPort; and no two containers may claim the same host port, protocol and address.
// Init containers have finished before app containers start, so each list is checked alone.
function checkHostPorts(spec: ParsedSpec, issue: Issue): void {
  checkHostPortsOf(spec, listed(spec, "initContainers"), issue);
  checkHostPortsOf(spec, listed(spec, "containers"), issue);
}

function checkHostPortsOf(
  spec: ParsedSpec,
  containers: [ParsedContainer, [ContainerList, number]][],
  issue: Issue,
): void {
  const claimed = new Set<string>();
  for (const [c, at] of containers) {
    for (const [j, port] of (c.ports ?? []).entries()) {
      const path = [...at, "ports", j, "hostPort"];
      if (spec.hostNetwork && port.hostPort && port.hostPort !== port.containerPort) {
        issue("must equal containerPort when hostNetwork is true", path);
      }
      const hostPort = port.hostPort || (spec.hostNetwork ? port.containerPort : 0);
      if (!hostPort) continue;
      const protocol = port.protocol ?? "TCP";
      const key = `${port.hostIP ?? ""}/${protocol}/${hostPort}`;
      if (claimed.has(key))
        issue(`host port ${hostPort}/${protocol} is already used in this pod`, path);
      claimed.add(key);
    }
  }
}

// The container's user is set as `uid[:gid]`, each falling back to the pod's securityContext,
// so a group needs a user, and runAsNonRoot with a uid of 0 can never start.
function checkUsers(spec: ParsedSpec, issue: Issue): void {
  const pod = spec.securityContext;
  for (const [c, path] of allContainers(spec)) {
    const own = c.securityContext;
    const at = (field: string, fromContainer: boolean) =>
      fromContainer ? [...path, "securityContext", field] : ["securityContext", field];
    const user = own?.runAsUser ?? pod?.runAsUser;
    const userPath = at("runAsUser", own?.runAsUser !== undefined);
    if ((own?.runAsNonRoot ?? pod?.runAsNonRoot) && user === 0) {
      issue(`is 0 (root) but runAsNonRoot is true for container ${c.name}`, userPath);
    }
    if (user === undefined && (own?.runAsGroup ?? pod?.runAsGroup) !== undefined) {
      const message = `needs runAsUser as well for container ${c.name} (the user is set as uid:gid)`;
      issue(message, at("runAsGroup", own?.runAsGroup !== undefined));
    }
  }
}
