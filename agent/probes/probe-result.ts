// What one run of a probe found. Runners never throw: anything that goes wrong (refused
// connection, timeout, missing container) is a failure whose message says what happened, in the
// kubelet's words where it has some.

export type ProbeOutcome = "success" | "failure";

export interface ProbeResult {
  outcome: ProbeOutcome;
  /** The command's output, or why it failed, e.g. `HTTP probe failed with statuscode: 503`. */
  message: string;
}

export const success = (message = ""): ProbeResult => ({ outcome: "success", message });
export const failure = (message: string): ProbeResult => ({ outcome: "failure", message });
