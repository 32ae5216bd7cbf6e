// The container fields daemonlet honours, validated with Kubernetes' rules. Cross-container
// rules (unique names, volume references, host ports) live in pod-schema.ts.
import { isIP } from "node:net";
import { z } from "zod";
import { RESOURCE_FIELDS, divisorProblem, fieldRefProblem } from "./downward-api.js";
import {
  absolutePath,
  dns1123Label,
  envVarName,
  portName,
  relativePathInside,
  type FormatCheck,
} from "./field-formats.js";
import { ignored, refused } from "./field-policy.js";
import { parseImageRef } from "./image-ref.js";
import {
  checkProbePorts,
  livenessProbeSchema,
  readinessProbeSchema,
  startupProbeSchema,
} from "./probe-schema.js";
import { parseQuantity } from "./quantity.js";
import { lifecycleSchema } from "./lifecycle-schema.js";
import { formatted, intInRange, portNumber, quantity, unixId } from "./schema-kit.js";

const imageReference: FormatCheck = (v) => {
  if (v === "") return "required";
  if (v.trim() !== v) return "must not have leading or trailing whitespace";
  return parseImageRef(v) ? undefined : "must be an image reference, e.g. quay.io/org/app:1.2";
};

const fieldRef = z.strictObject({
  apiVersion: z.literal("v1").optional(),
  fieldPath: formatted(fieldRefProblem),
});

const resourceFieldRef = z
  .strictObject({
    containerName: z.string().optional(),
    resource: z.enum(RESOURCE_FIELDS, {
      error: `must be one of ${RESOURCE_FIELDS.join(", ")}`,
    }),
    divisor: quantity.optional(),
  })
  .superRefine((ref, ctx) => {
    const problem = ref.divisor && divisorProblem(ref.resource, ref.divisor);
    if (problem) ctx.addIssue({ code: "custom", message: problem, path: ["divisor"] });
  });

const envVarSource = z
  .strictObject({
    fieldRef: fieldRef.optional(),
    resourceFieldRef: resourceFieldRef.optional(),
    configMapKeyRef: refused("configMapKeyRef is not supported yet", () => false),
    secretKeyRef: refused("secretKeyRef is not supported yet", () => false),
  })
  .superRefine((source, ctx) => {
    const set = [source.fieldRef, source.resourceFieldRef].filter((s) => s !== undefined);
    if (set.length !== 1) {
      ctx.addIssue({
        code: "custom",
        message: "must set exactly one of fieldRef, resourceFieldRef",
      });
    }
  });

const envVar = z
  .strictObject({
    name: formatted(envVarName),
    value: z.string().optional(),
    valueFrom: envVarSource.optional(),
  })
  .superRefine((env, ctx) => {
    if (env.value && env.valueFrom) {
      const message = "may not be set when value is not empty";
      ctx.addIssue({ code: "custom", message, path: ["valueFrom"] });
    }
  });

const containerPort = z.strictObject({
  name: formatted(portName).optional(),
  containerPort: portNumber,
  // 0 means unset, as in Kubernetes.
  hostPort: intInRange(0, 65535).optional(),
  hostIP: z
    .string()
    .refine((ip) => isIP(ip) !== 0, "must be an IP address")
    .optional(),
  protocol: z.enum(["TCP", "UDP", "SCTP"]).optional(),
});

const RESOURCE_NAMES = ["cpu", "memory", "ephemeral-storage"];

const resourceList = z.record(z.string(), quantity).superRefine((list, ctx) => {
  for (const name of Object.keys(list)) {
    if (RESOURCE_NAMES.includes(name)) continue;
    const message = `resource ${name} is not supported yet (supported: ${RESOURCE_NAMES.join(", ")})`;
    ctx.addIssue({ code: "custom", message, path: [name] });
  }
});

const resources = z
  .strictObject({
    limits: resourceList.optional(),
    requests: resourceList.optional(),
    claims: refused("resource claims are not supported yet"),
  })
  .superRefine(({ limits = {}, requests = {} }, ctx) => {
    for (const [name, request] of Object.entries(requests)) {
      const limit = limits[name];
      if (limit === undefined || parseQuantity(request) <= parseQuantity(limit)) continue;
      const message = `must be less than or equal to the ${name} limit of ${limit}`;
      ctx.addIssue({ code: "custom", message, path: ["requests", name] });
    }
  });

const capability = z
  .string()
  .regex(/^[A-Za-z0-9_]+$/, "must be a capability name such as NET_ADMIN or CAP_NET_ADMIN");

const securityContext = z
  .strictObject({
    privileged: z.boolean().optional(),
    capabilities: z
      .strictObject({
        add: z.array(capability).optional(),
        drop: z.array(capability).optional(),
      })
      .optional(),
    runAsUser: unixId.optional(),
    runAsGroup: unixId.optional(),
    runAsNonRoot: z.boolean().optional(),
    readOnlyRootFilesystem: z.boolean().optional(),
    // Accepted, not applied yet: the runtime seam has no no-new-privileges option.
    allowPrivilegeEscalation: z.boolean().optional(),
    procMount: ignored(),
    seccompProfile: ignored(),
    seLinuxOptions: ignored(),
    appArmorProfile: ignored(),
    windowsOptions: ignored(),
  })
  .superRefine((sc, ctx) => {
    if (sc.privileged && sc.allowPrivilegeEscalation === false) {
      const message = "cannot be false when privileged is true";
      ctx.addIssue({ code: "custom", message, path: ["allowPrivilegeEscalation"] });
    }
  });

const volumeMount = z.strictObject({
  name: z.string(),
  mountPath: formatted(absolutePath),
  readOnly: z.boolean().optional(),
  subPath: formatted(relativePathInside).optional(),
  mountPropagation: z.enum(["None", "HostToContainer", "Bidirectional"]).optional(),
  subPathExpr: refused("subPathExpr is not supported yet", (v) => v === ""),
  recursiveReadOnly: refused("recursiveReadOnly is not supported yet", (v) => v === "Disabled"),
});

export const containerSchema = z
  .strictObject({
    name: formatted(dns1123Label),
    image: formatted(imageReference),
    command: z.array(z.string()).optional(),
    args: z.array(z.string()).optional(),
    workingDir: formatted(absolutePath).optional(),
    env: z.array(envVar).optional(),
    ports: z.array(containerPort).optional(),
    resources: resources.optional(),
    securityContext: securityContext.optional(),
    volumeMounts: z.array(volumeMount).optional(),
    imagePullPolicy: z.enum(["Always", "IfNotPresent", "Never"]).optional(),
    stdin: z.boolean().optional(),
    tty: z.boolean().optional(),
    stdinOnce: ignored(),
    terminationMessagePath: ignored(),
    terminationMessagePolicy: ignored(),
    resizePolicy: ignored(),
    livenessProbe: livenessProbeSchema.optional(),
    readinessProbe: readinessProbeSchema.optional(),
    startupProbe: startupProbeSchema.optional(),
    lifecycle: lifecycleSchema.optional(),
    envFrom: refused("envFrom is not supported yet"),
    volumeDevices: refused("volumeDevices are not supported yet"),
    restartPolicy: refused("container restartPolicy (sidecar containers) is not supported yet"),
  })
  .superRefine((c, ctx) => {
    const issue = (message: string, path: (string | number)[]) =>
      ctx.addIssue({ code: "custom", message, path });
    const portNames = new Set<string>();
    for (const [i, port] of (c.ports ?? []).entries()) {
      if (port.name === undefined) continue;
      if (portNames.has(port.name)) issue(`duplicate port name ${port.name}`, ["ports", i, "name"]);
      portNames.add(port.name);
    }
    const mountPaths = new Set<string>();
    for (const [i, mount] of (c.volumeMounts ?? []).entries()) {
      if (mountPaths.has(mount.mountPath)) {
        issue(`duplicate mountPath ${mount.mountPath}`, ["volumeMounts", i, "mountPath"]);
      }
      mountPaths.add(mount.mountPath);
      // Kubernetes' rule: only a privileged container may propagate mounts back to the host.
      if (mount.mountPropagation === "Bidirectional" && !c.securityContext?.privileged) {
        const message = "Bidirectional mount propagation requires a privileged container";
        issue(message, ["volumeMounts", i, "mountPropagation"]);
      }
    }
    checkProbePorts(c, issue);
  });
