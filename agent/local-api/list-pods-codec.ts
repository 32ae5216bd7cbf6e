// The ListPods answer: a node's view to the response message, and the response back to pods.
import type { Pod } from "kubernetes-types/core/v1.js";
import type {
  ListPodsResponseMessage,
  ManifestProblemMessage,
} from "../../proto/agent-local-message.js";
import type { ManifestProblem, NodePodsView } from "../pods/node-pods-view.js";
import { isFields, messages, optionalText, text, type Fields } from "./message-fields.js";
import { podFromMessage, podToMessage } from "./pod-codec.js";

/** What a client learns from ListPods: the view's contents at the moment it answered. */
export interface NodePods {
  nodeName: string;
  pods: Pod[];
  manifestProblems: ManifestProblem[];
}

export function listPodsResponseToMessage(view: NodePodsView): ListPodsResponseMessage {
  return {
    node_name: view.nodeName,
    pods: view.pods().map(podToMessage),
    manifest_problems: view.manifestProblems().map(problemToMessage),
  };
}

function problemToMessage(problem: ManifestProblem): ManifestProblemMessage {
  return { file: problem.file, message: problem.message, kept_pod: problem.keptPod ?? "" };
}

export function nodePodsFromMessage(encoded: unknown): NodePods {
  if (!isFields(encoded)) throw new TypeError("expected a ListPodsResponse message");
  return {
    nodeName: text(encoded, "node_name"),
    pods: messages(encoded, "pods").map(podFromMessage),
    manifestProblems: messages(encoded, "manifest_problems").map(problemFromMessage),
  };
}

function problemFromMessage(problem: Fields): ManifestProblem {
  const keptPod = optionalText(problem, "kept_pod");
  return {
    file: text(problem, "file"),
    message: text(problem, "message"),
    ...(keptPod === undefined ? {} : { keptPod }),
  };
}
