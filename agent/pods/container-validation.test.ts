import { describe, it } from "node:test";
import { assertRefused, container, pod } from "./fixtures/manifests.js";

describe("parseManifest: container rules", () => {
  const mount = (fields: Record<string, unknown>) => ({
    volumes: [{ name: "data", hostPath: { path: "/srv" } }],
    containers: [
      {
        name: "app",
        image: "nginx:1",
        volumeMounts: [{ name: "data", mountPath: "/data", ...fields }],
      },
    ],
  });
  const cases: [string, unknown, string][] = [
    ["missing image", pod({ containers: [{ name: "app" }] }), "spec.containers[0].image: required"],
    [
      "unknown field",
      container({ imagePullPolcy: "Always" }),
      "spec.containers[0].imagePullPolcy: unknown field",
    ],
    [
      "bad quantity",
      container({ resources: { limits: { cpu: "2 cores" } } }),
      'spec.containers[0].resources.limits.cpu: "2 cores" is not a valid quantity',
    ],
    [
      "negative quantity",
      container({ resources: { requests: { memory: "-1Gi" } } }),
      "spec.containers[0].resources.requests.memory: must be greater than or equal to 0",
    ],
    [
      "request above limit",
      container({ resources: { limits: { cpu: "1" }, requests: { cpu: "2" } } }),
      "spec.containers[0].resources.requests.cpu: must be less than or equal to the cpu limit of 1",
    ],
    [
      "bad container name",
      container({ name: "Web_App" }),
      "spec.containers[0].name: must be a lowercase RFC 1123 label",
    ],
    [
      "bad image",
      container({ image: "Nginx:1" }),
      "spec.containers[0].image: must be an image reference",
    ],
    [
      "port 0",
      container({ ports: [{ containerPort: 0 }] }),
      "spec.containers[0].ports[0].containerPort: must be between 1 and 65535",
    ],
    [
      "port 70000",
      container({ ports: [{ containerPort: 70000 }] }),
      "spec.containers[0].ports[0].containerPort: must be between 1 and 65535",
    ],
    [
      "port as string",
      container({ ports: [{ containerPort: "80" }] }),
      "spec.containers[0].ports[0].containerPort: must be a number",
    ],
    [
      "bad protocol",
      container({ ports: [{ containerPort: 80, protocol: "HTTP" }] }),
      'spec.containers[0].ports[0].protocol: must be one of "TCP", "UDP", "SCTP"',
    ],
    [
      "bad port name",
      container({ ports: [{ containerPort: 80, name: "HTTP" }] }),
      "spec.containers[0].ports[0].name: must be an IANA service name",
    ],
    [
      "duplicate port name",
      container({
        ports: [
          { containerPort: 80, name: "web" },
          { containerPort: 81, name: "web" },
        ],
      }),
      "spec.containers[0].ports[1].name: duplicate port name web",
    ],
    [
      "mount of an undefined volume",
      container({ volumeMounts: [{ name: "nope", mountPath: "/x" }] }),
      "spec.containers[0].volumeMounts[0].name: no volume named nope in this pod",
    ],
    [
      "relative mountPath",
      pod(mount({ mountPath: "data" })),
      "spec.containers[0].volumeMounts[0].mountPath: must be an absolute path",
    ],
    [
      "subPath climbing out",
      pod(mount({ subPath: "a/../../etc" })),
      "spec.containers[0].volumeMounts[0].subPath: must not contain '..'",
    ],
    [
      "absolute subPath",
      pod(mount({ subPath: "/etc" })),
      "spec.containers[0].volumeMounts[0].subPath: must be a relative path",
    ],
    [
      "bad propagation",
      pod(mount({ mountPropagation: "Shared" })),
      'spec.containers[0].volumeMounts[0].mountPropagation: must be one of "None", "HostToContainer", "Bidirectional"',
    ],
    [
      "Bidirectional without privileged",
      pod(mount({ mountPropagation: "Bidirectional" })),
      "spec.containers[0].volumeMounts[0].mountPropagation: Bidirectional mount propagation requires a privileged container",
    ],
    [
      "duplicate mountPath",
      pod({
        volumes: [
          { name: "a", emptyDir: {} },
          { name: "b", emptyDir: {} },
        ],
        containers: [
          {
            name: "app",
            image: "x",
            volumeMounts: [
              { name: "a", mountPath: "/d" },
              { name: "b", mountPath: "/d" },
            ],
          },
        ],
      }),
      "spec.containers[0].volumeMounts[1].mountPath: duplicate mountPath /d",
    ],
    [
      "bad env name",
      container({ env: [{ name: "1BAD", value: "x" }] }),
      "spec.containers[0].env[0].name: must consist of letters",
    ],
    [
      "env value not a string",
      container({ env: [{ name: "PORT", value: 9200 }] }),
      "spec.containers[0].env[0].value: must be a string",
    ],
    [
      "value and valueFrom",
      container({
        env: [{ name: "A", value: "x", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }],
      }),
      "spec.containers[0].env[0].valueFrom: may not be set when value is not empty",
    ],
    [
      "unsupported fieldPath",
      container({ env: [{ name: "A", valueFrom: { fieldRef: { fieldPath: "status.phase" } } }] }),
      "spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: must be one of",
    ],
    [
      "serviceAccountName fieldRef",
      container({
        env: [{ name: "A", valueFrom: { fieldRef: { fieldPath: "spec.serviceAccountName" } } }],
      }),
      "spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: spec.serviceAccountName is not supported yet",
    ],
    [
      "bad resourceFieldRef resource",
      container({
        env: [
          { name: "A", valueFrom: { resourceFieldRef: { resource: "limits.ephemeral-storage" } } },
        ],
      }),
      "spec.containers[0].env[0].valueFrom.resourceFieldRef.resource: must be one of limits.cpu",
    ],
    [
      "bad divisor",
      container({
        env: [
          { name: "A", valueFrom: { resourceFieldRef: { resource: "limits.cpu", divisor: "2" } } },
        ],
      }),
      "spec.containers[0].env[0].valueFrom.resourceFieldRef.divisor: must be 1m or 1 for cpu",
    ],
    [
      "resourceFieldRef to an unknown container",
      container({
        env: [
          {
            name: "A",
            valueFrom: { resourceFieldRef: { containerName: "x", resource: "limits.cpu" } },
          },
        ],
      }),
      "spec.containers[0].env[0].valueFrom.resourceFieldRef.containerName: no container named x in this pod",
    ],
    [
      "privileged without privilege escalation",
      container({ securityContext: { privileged: true, allowPrivilegeEscalation: false } }),
      "spec.containers[0].securityContext.allowPrivilegeEscalation: cannot be false when privileged is true",
    ],
  ];
  for (const [name, doc, expected] of cases) {
    it(name, () => assertRefused(doc, expected));
  }
});
