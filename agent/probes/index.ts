// Kubernetes probes for the agent. The pure core (ProbeTracker, ContainerProbeState) holds the
// kubelet's rules; the runners and ProbeManager are the I/O around it.
export { ContainerProbeState, type LivenessFailure, type ProbeStatus } from "./container-probes.js";
export {
  ProbeManager,
  type ProbeKey,
  type ProbeManagerOptions,
  type ProbedContainer,
} from "./probe-manager.js";
export { failure, success, type ProbeOutcome, type ProbeResult } from "./probe-result.js";
export {
  containerProbes,
  handlerOf,
  type ProbeHandler,
  type ProbeKind,
  type ProbePort,
  type ProbeSpec,
} from "./probe-spec.js";
export { ProbeTracker, type Thresholds } from "./probe-tracker.js";
export { runHandler, runProbe, type ProbeTarget } from "./run-probe.js";
