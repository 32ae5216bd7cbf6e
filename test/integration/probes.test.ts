// Probes against real busybox containers on the local engine: the runtime's exec, each handler's
// runner, and ProbeManager's loops. Every container carries this run's node label and is removed
// in after(), pass or fail. The httpGet details the kubelet specifies (headers, redirects,
// timeouts) are checked against a local server, where the test controls the answers.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { after, before, describe, test } from "node:test";
import type { Container, Probe } from "kubernetes-types/core/v1.js";
import winston from "winston";
import {
  containerProbes,
  ProbeManager,
  runProbe,
  type ProbeKey,
  type ProbeSpec,
} from "../../agent/probes/index.js";
import { DockerRuntime } from "../../agent/runtime/docker-runtime.js";
import { LABEL } from "../../agent/runtime/labels.js";
import { isContainerNotFoundError } from "../../agent/runtime/runtime-errors.js";
import { EXEC_OUTPUT_LIMIT } from "../../agent/runtime/runtime.js";
import { removeNodeContainers } from "../support/docker-cleanup.js";
import { testContainerSpec } from "../support/container-spec.js";
import { waitFor } from "../support/wait.js";
import { listenOnFreePort } from "../support/free-port.js";

const IMAGE = "busybox:1.36";
const node = `probes-test-${process.pid}`;
const rt = new DockerRuntime();
const logger = winston.createLogger({ silent: true });
const userAgent = "daemonlet-probe/test";

interface Running {
  id: string;
  ip: string;
  startedAt: Date;
}

/** Starts a busybox container running `script` under sh, labelled for cleanup. */
async function runContainer(script: string): Promise<Running> {
  const id = await rt.create(
    testContainerSpec(node, {
      image: IMAGE,
      entrypoint: ["sh", "-c"],
      cmd: [script],
      labels: { [LABEL.container]: "app", [LABEL.gracePeriod]: "0" },
    }),
  );
  await rt.start(id);
  const observed = await rt.inspect(id);
  assert.ok(observed?.ipAddress && observed.startedAt, "the container has an address and a start");
  return { id, ip: observed.ipAddress, startedAt: observed.startedAt };
}

/** httpd serving /tmp/www (with a `healthz` page) on 8080; its pid in /tmp/httpd.pid. */
const HTTPD = [
  "mkdir -p /tmp/www",
  "echo ok > /tmp/www/healthz",
  "httpd -f -p 8080 -h /tmp/www & echo $! > /tmp/httpd.pid",
  "exec sleep 3600",
].join("; ");

async function sh(id: string, script: string): Promise<string> {
  const result = await rt.exec(id, ["sh", "-c", script], 10_000);
  assert.equal(result.exitCode, 0, `${script}: ${result.output}`);
  return result.output;
}

async function waitForListener(c: Running): Promise<void> {
  await waitFor(
    async () =>
      (await runProbe(spec({ tcpSocket: { port: 8080 } }), target(c))).outcome === "success",
    { what: "httpd to listen" },
  );
}

/** The resolved readiness probe of a container holding just `probe`. */
function spec(probe: Probe, ports: Container["ports"] = []): ProbeSpec {
  const [resolved] = containerProbes({ name: "app", ports, readinessProbe: probe });
  assert.ok(resolved);
  return resolved;
}

function target(c: Running, container: Container = { name: "app" }) {
  return { runtime: rt, containerId: c.id, container, address: c.ip, userAgent };
}

before(async () => {
  assert.ok(await rt.imagePresent(IMAGE), `${IMAGE} missing: run scripts/build-images.sh`);
});

after(async () => {
  await removeNodeContainers(node);
});

describe("DockerRuntime.exec", () => {
  let c: Running;
  before(async () => {
    c = await runContainer("exec sleep 3600");
  });

  test("returns the exit code and stdout with stderr", async () => {
    const result = await rt.exec(c.id, ["sh", "-c", "echo out; echo err >&2; exit 3"], 10_000);
    assert.equal(result.exitCode, 3);
    assert.equal(result.timedOut, false);
    assert.match(result.output, /out/);
    assert.match(result.output, /err/);
  });

  test("resolves with timedOut when the command outlives the timeout", async () => {
    assert.deepEqual(await rt.exec(c.id, ["sleep", "30"], 300), {
      exitCode: null,
      output: "",
      timedOut: true,
    });
  });

  test("keeps at most 10 KiB of output", async () => {
    const result = await rt.exec(
      c.id,
      ["sh", "-c", "head -c 50000 /dev/zero | tr '\\0' a"],
      10_000,
    );
    assert.equal(result.exitCode, 0);
    assert.equal(result.output, "a".repeat(EXEC_OUTPUT_LIMIT));
  });

  test("throws ContainerNotFoundError for a container that does not exist", async () => {
    await assert.rejects(rt.exec("no-such-container-" + node, ["true"], 1000), (err) =>
      isContainerNotFoundError(err),
    );
  });
});

describe("probe runners against busybox", () => {
  let httpd: Running;
  before(async () => {
    httpd = await runContainer(HTTPD);
    await waitForListener(httpd);
  });

  test("exec: exit 0 passes, anything else fails with the output", async () => {
    assert.deepEqual(await runProbe(spec({ exec: { command: ["true"] } }), target(httpd)), {
      outcome: "success",
      message: "",
    });
    const failed = await runProbe(
      spec({ exec: { command: ["sh", "-c", "echo not ready; exit 1"] } }),
      target(httpd),
    );
    assert.deepEqual(failed, { outcome: "failure", message: "not ready" });
    const silent = await runProbe(spec({ exec: { command: ["false"] } }), target(httpd));
    assert.deepEqual(silent, { outcome: "failure", message: 'command "false" exited with code 1' });
  });

  test("exec: a command still running at timeoutSeconds fails", async () => {
    const result = await runProbe(
      spec({ exec: { command: ["sleep", "30"] }, timeoutSeconds: 1 }),
      target(httpd),
    );
    assert.deepEqual(result, { outcome: "failure", message: 'command "sleep 30" timed out' });
  });

  test("exec: a container that is gone fails the probe rather than throwing", async () => {
    const gone = { ...httpd, id: `gone-${node}` };
    const result = await runProbe(spec({ exec: { command: ["true"] } }), target(gone));
    assert.equal(result.outcome, "failure");
    assert.match(result.message, /^exec "true" failed: /);
  });

  test("httpGet: 200 passes, 404 fails with the status", async () => {
    const ok = await runProbe(spec({ httpGet: { path: "/healthz", port: 8080 } }), target(httpd));
    assert.deepEqual(ok, { outcome: "success", message: "" });
    const missing = await runProbe(spec({ httpGet: { path: "/nope", port: 8080 } }), target(httpd));
    assert.deepEqual(missing, {
      outcome: "failure",
      message: "HTTP probe failed with statuscode: 404",
    });
  });

  test("httpGet and tcpSocket: a named port resolves from the container's ports", async () => {
    const container = { name: "app", ports: [{ name: "web", containerPort: 8080 }] };
    const http = spec({ httpGet: { path: "/healthz", port: "web" } }, container.ports);
    assert.equal((await runProbe(http, target(httpd, container))).outcome, "success");
    const tcp = spec({ tcpSocket: { port: "web" } }, container.ports);
    assert.equal((await runProbe(tcp, target(httpd, container))).outcome, "success");
    const unknown = await runProbe(spec({ tcpSocket: { port: "metrics" } }), target(httpd));
    assert.deepEqual(unknown, {
      outcome: "failure",
      message: "port metrics not found in container app",
    });
  });

  test("tcpSocket: a closed port fails in the kubelet's words", async () => {
    const result = await runProbe(spec({ tcpSocket: { port: 8081 } }), target(httpd));
    assert.deepEqual(result, {
      outcome: "failure",
      message: `dial tcp ${httpd.ip}:8081: connect: connection refused`,
    });
  });

  test("httpGet and tcpSocket: a pod without an address fails", async () => {
    const result = await runProbe(spec({ tcpSocket: { port: 8080 } }), {
      ...target(httpd),
      address: undefined,
    });
    assert.deepEqual(result, { outcome: "failure", message: "the pod has no IP address to probe" });
  });

  // Last in this group: it stops the server the others use.
  test("httpGet: fails with connection refused once httpd is killed", async () => {
    await sh(httpd.id, "kill $(cat /tmp/httpd.pid)");
    const probe = spec({ httpGet: { path: "/healthz", port: 8080 } });
    const result = await waitFor(() => runProbe(probe, target(httpd)), {
      what: "the probe to fail",
      until: (r) => r.outcome === "failure",
    });
    assert.equal(result.message, `Get "http://${httpd.ip}:8080/healthz": connection refused`);
  });
});

describe("httpGet runner against a local server", () => {
  let server: Server;
  let port: number;
  const seen: { url: string | undefined; headers: IncomingHttpHeaders }[] = [];
  const local = (probe: Probe) =>
    runProbe(spec(probe), {
      runtime: rt,
      containerId: "unused",
      container: { name: "app" },
      address: "127.0.0.1",
      userAgent,
    });

  before(async () => {
    server = createServer((req, res) => {
      seen.push({ url: req.url, headers: req.headers });
      if (req.url === "/hang") return; // never answers
      if (req.url === "/redirect") {
        res.writeHead(302, { location: "/broken" }).end();
      } else if (req.url === "/broken") {
        res.writeHead(500).end("broken");
      } else {
        res.writeHead(200).end("fine");
      }
    });
    port = await listenOnFreePort(server);
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test("sends the probe's headers, the daemonlet User-Agent and a Host override", async () => {
    const result = await local({
      httpGet: {
        port,
        path: "/hello?x=1",
        httpHeaders: [
          { name: "X-Probe", value: "a" },
          { name: "X-Probe", value: "b" },
          { name: "Host", value: "example.test" },
        ],
      },
    });
    assert.equal(result.outcome, "success");
    const request = seen.at(-1);
    assert.equal(request?.url, "/hello?x=1");
    assert.equal(request?.headers["user-agent"], userAgent);
    assert.equal(request?.headers["x-probe"], "a, b");
    assert.equal(request?.headers.host, "example.test");
  });

  test("a custom User-Agent replaces daemonlet's", async () => {
    await local({ httpGet: { port, httpHeaders: [{ name: "User-Agent", value: "mine" }] } });
    assert.equal(seen.at(-1)?.headers["user-agent"], "mine");
  });

  test("a redirect passes without being followed", async () => {
    const before = seen.length;
    assert.equal((await local({ httpGet: { port, path: "/redirect" } })).outcome, "success");
    assert.deepEqual(
      seen.slice(before).map((r) => r.url),
      ["/redirect"],
    );
  });

  test("a 500 fails", async () => {
    assert.deepEqual(await local({ httpGet: { port, path: "/broken" } }), {
      outcome: "failure",
      message: "HTTP probe failed with statuscode: 500",
    });
  });

  test("no answer within timeoutSeconds fails", async () => {
    assert.deepEqual(await local({ httpGet: { port, path: "/hang" }, timeoutSeconds: 1 }), {
      outcome: "failure",
      message: `Get "http://127.0.0.1:${port}/hang": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
    });
  });
});

describe("ProbeManager", () => {
  const managers: ProbeManager[] = [];
  after(() => {
    for (const m of managers) m.stop();
  });

  function manager(): { probes: ProbeManager; changes: ProbeKey[] } {
    const changes: ProbeKey[] = [];
    const probes = new ProbeManager({ runtime: rt, logger, onChange: (k) => changes.push(k) });
    managers.push(probes);
    return { probes, changes };
  }

  function probed(c: Running, container: Container) {
    return {
      containerName: container.name,
      containerId: c.id,
      startedAt: c.startedAt,
      spec: container,
      podIP: c.ip,
      hostIP: "127.0.0.1",
      hostNetwork: false,
    };
  }

  const fast = { periodSeconds: 1, failureThreshold: 1 };

  test("readiness follows the probe both ways, and onChange reports each flip", async () => {
    const { probes, changes } = manager();
    const c = await runContainer("exec sleep 3600");
    const podUid = randomUUID();
    const container = {
      name: "app",
      readinessProbe: { exec: { command: ["cat", "/tmp/ready"] }, ...fast },
    };
    probes.sync(podUid, [probed(c, container)]);
    assert.deepEqual(probes.status(podUid, "app"), { ready: false, started: true });

    await sh(c.id, "touch /tmp/ready");
    await waitFor(() => probes.status(podUid, "app").ready, { what: "the container to be ready" });
    assert.deepEqual(changes, [{ podUid, containerName: "app" }]);

    await sh(c.id, "rm /tmp/ready");
    await waitFor(() => !probes.status(podUid, "app").ready, { what: "it to be unready again" });
    assert.equal(changes.length, 2);

    probes.sync(podUid, []);
    assert.deepEqual(probes.status(podUid, "app"), { ready: false, started: false });
  });

  test("a container without probes is ready and started at once", async () => {
    const { probes } = manager();
    const c = await runContainer("exec sleep 3600");
    const podUid = randomUUID();
    probes.sync(podUid, [probed(c, { name: "plain" })]);
    assert.deepEqual(probes.status(podUid, "plain"), { ready: true, started: true });
  });

  test("liveness failure is reported after failureThreshold failures in a row", async () => {
    const { probes, changes } = manager();
    const c = await runContainer("exec sleep 3600");
    const podUid = randomUUID();
    const container = {
      name: "app",
      livenessProbe: {
        exec: { command: ["sh", "-c", "echo run >> /tmp/liveness-runs; echo sick; exit 1"] },
        periodSeconds: 1,
        failureThreshold: 3,
        terminationGracePeriodSeconds: 2,
      },
    };
    probes.sync(podUid, [probed(c, container)]);
    const failed = await waitFor(() => probes.status(podUid, "app").livenessFailed, {
      what: "the liveness failure",
    });
    assert.deepEqual(failed, {
      probe: "liveness",
      message: "Liveness probe failed: sick",
      gracePeriodSeconds: 2,
    });
    const runs = await sh(c.id, "cat /tmp/liveness-runs");
    assert.ok(runs.trim().split("\n").length >= 3, `ran ${runs.trim().split("\n").length} times`);
    assert.deepEqual(changes, [{ podUid, containerName: "app" }]);
  });

  test("the startup probe holds liveness and readiness until it passes", async () => {
    const { probes } = manager();
    const c = await runContainer("exec sleep 3600");
    const podUid = randomUUID();
    const container = {
      name: "app",
      startupProbe: {
        exec: { command: ["sh", "-c", "echo run >> /tmp/startup-runs; cat /tmp/started"] },
        periodSeconds: 1,
        failureThreshold: 30,
      },
      livenessProbe: {
        exec: { command: ["sh", "-c", "echo run >> /tmp/liveness-runs; exit 1"] },
        ...fast,
      },
      readinessProbe: { exec: { command: ["true"] }, periodSeconds: 1 },
    };
    probes.sync(podUid, [probed(c, container)]);

    await waitFor(() => sh(c.id, "cat /tmp/startup-runs 2>/dev/null | wc -l"), {
      what: "three startup probe runs",
      until: (lines) => Number(lines.trim()) >= 3,
    });
    assert.deepEqual(probes.status(podUid, "app"), { ready: false, started: false });
    assert.equal(await sh(c.id, "test -e /tmp/liveness-runs || echo none"), "none\n");

    await sh(c.id, "touch /tmp/started");
    await waitFor(() => probes.status(podUid, "app").started, { what: "the container to start" });
    const failed = await waitFor(() => probes.status(podUid, "app").livenessFailed, {
      what: "liveness to run, and fail, once started",
    });
    assert.equal(failed.probe, "liveness");
  });

  test("a restarted container (new id) starts over", async () => {
    const { probes } = manager();
    const first = await runContainer("touch /tmp/ready; exec sleep 3600");
    const second = await runContainer("exec sleep 3600");
    const podUid = randomUUID();
    const container = {
      name: "app",
      readinessProbe: { exec: { command: ["cat", "/tmp/ready"] }, ...fast },
    };
    probes.sync(podUid, [probed(first, container)]);
    await waitFor(() => probes.status(podUid, "app").ready, { what: "the first to be ready" });
    probes.sync(podUid, [probed(second, container)]);
    assert.deepEqual(probes.status(podUid, "app"), { ready: false, started: true });
  });
});
