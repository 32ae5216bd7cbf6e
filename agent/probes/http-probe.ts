// The httpGet handler: a GET whose status 200–399 passes. Like the kubelet it skips TLS
// verification, sends no keep-alive and reads no body. Unlike the kubelet it follows no
// redirects: Kubernetes follows redirects to the same host (a 302 to a page that answers 500
// fails there), here any 3xx passes, as the kubelet treats a redirect to another host.
import http from "node:http";
import https from "node:https";
import { hostPort } from "./host-port.js";
import { networkErrorWords } from "./network-error.js";
import { failure, success, type ProbeResult } from "./probe-result.js";
import { errorMessage } from "../error-message.js";

export interface HttpProbeRequest {
  scheme: "HTTP" | "HTTPS";
  host: string;
  port: number;
  path: string;
  /** The probe's httpHeaders; one named like a default (User-Agent, Accept, Host) replaces it. */
  headers: readonly { name: string; value: string }[];
  userAgent: string;
  timeoutMs: number;
}

export function httpProbe(req: HttpProbeRequest): Promise<ProbeResult> {
  const path = req.path.startsWith("/") ? req.path : `/${req.path}`;
  const url = `${req.scheme.toLowerCase()}://${hostPort(req.host, req.port)}${path}`;
  return new Promise((resolve) => {
    let request: http.ClientRequest | undefined;
    const settle = (result: ProbeResult) => {
      clearTimeout(timer);
      request?.destroy();
      resolve(result);
    };
    const timer = setTimeout(
      () =>
        settle(
          failure(
            `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
          ),
        ),
      req.timeoutMs,
    );
    const options: https.RequestOptions = {
      method: "GET",
      host: req.host,
      port: req.port,
      path,
      headers: requestHeaders(req),
      agent: false,
      // The kubelet does not verify a probe's certificate: pods mostly serve self-signed ones.
      rejectUnauthorized: false,
    };
    try {
      request = (req.scheme === "HTTPS" ? https : http).request(options, (res) => {
        const status = res.statusCode ?? 0;
        res.destroy();
        settle(
          status >= 200 && status < 400
            ? success()
            : failure(`HTTP probe failed with statuscode: ${status}`),
        );
      });
      request.on("error", (err) => settle(failure(`Get "${url}": ${networkErrorWords(err)}`)));
      request.end();
    } catch (err) {
      // Node refuses some requests before sending them, e.g. a path with spaces.
      settle(failure(`Get "${url}": ${errorMessage(err)}`));
    }
  });
}

function requestHeaders(req: HttpProbeRequest): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {
    "user-agent": req.userAgent,
    accept: "*/*",
    connection: "close",
  };
  const given = new Set<string>();
  for (const { name, value } of req.headers) {
    const key = name.toLowerCase();
    const existing = headers[key];
    // The first of a name replaces the default; further ones add values, as Go's Header.Add.
    if (!given.has(key) || existing === undefined) headers[key] = value;
    else headers[key] = [...(Array.isArray(existing) ? existing : [existing]), value];
    given.add(key);
  }
  return headers;
}
