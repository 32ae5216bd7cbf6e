// Container lifecycle hooks: postStart runs right after the container starts, preStop before it
// is told to stop. Each has exactly one handler, as in Kubernetes.
import { z } from "zod";
import { execAction, httpGetAction, tcpSocketAction } from "./probe-schema.js";
import { nonNegativeInt } from "./schema-kit.js";
import { refused } from "./field-policy.js";

const HOOK_HANDLERS = ["exec", "httpGet", "tcpSocket", "sleep"] as const;

const lifecycleHandler = z
  .strictObject({
    exec: execAction.optional(),
    httpGet: httpGetAction.optional(),
    // Deprecated in Kubernetes and kept for compatibility: it only checks that the port answers.
    tcpSocket: tcpSocketAction.optional(),
    sleep: z.strictObject({ seconds: nonNegativeInt }).optional(),
  })
  .superRefine((hook, ctx) => {
    const set = HOOK_HANDLERS.filter((h) => hook[h] !== undefined);
    if (set.length === 0) {
      ctx.addIssue({ code: "custom", message: `must set a handler: ${HOOK_HANDLERS.join(", ")}` });
    }
    for (const extra of set.slice(1)) {
      ctx.addIssue({ code: "custom", message: "must set only one handler", path: [extra] });
    }
  });

export const lifecycleSchema = z.strictObject({
  postStart: lifecycleHandler.optional(),
  preStop: lifecycleHandler.optional(),
  stopSignal: refused("stopSignal is not supported yet (the image's stop signal is used)"),
});
