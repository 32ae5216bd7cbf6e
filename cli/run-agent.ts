// `daemonlet agent`: loads its config, runs the agent until SIGTERM or SIGINT, tells systemd.
import { Agent } from "../agent/agent.js";
import { ConfigError, loadAgentConfig } from "../agent/config.js";
import { createLogger } from "../agent/logger.js";
import { DockerRuntime } from "../agent/runtime/docker-runtime.js";
import type { AgentFlags } from "./agent-command.js";
import { runService } from "./run-service.js";

export async function runAgent(flags: AgentFlags): Promise<void> {
  let config;
  try {
    config = await loadAgentConfig(flags.config, {
      nodeName: flags.nodeName,
      manifests: flags.manifests,
      stateDir: flags.stateDir,
      allowedHostPaths: flags.allowedHostPaths,
      readOnlyHostPaths: flags.readOnlyHostPaths,
      nodeIP: flags.nodeIp,
      dockerSocket: flags.dockerSocket,
      registryAuthFile: flags.registryAuthFile,
      hub: flags.hub,
      token: flags.token,
      insecure: flags.insecure,
      nodeLabels: flags.nodeLabel,
      nodeTaints: flags.nodeTaint,
      metricsListen: flags.metricsListen,
      logFormat: flags.logFormat,
      logLevel: flags.logLevel,
    });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`error: ${err.message}\n`);
    process.exit(2);
  }
  const logger = createLogger({ format: config.logFormat, level: config.logLevel });
  const agent = new Agent(config, new DockerRuntime({ socketPath: config.dockerSocket }), logger);
  await runService(
    "agent",
    {
      start: async () => {
        await agent.start();
        await agent.staticPodsReconciled();
        logger.info("static pods reconciled", { pods: agent.pods().length });
        return `static pods reconciled; ${agent.pods().length} pods`;
      },
      stop: () => agent.stop(),
    },
    logger,
    "agent stopping; containers keep running",
  );
}
