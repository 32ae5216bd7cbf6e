// Runs a command inside a container through the engine (like `docker exec`), for tests that
// check what a container really sees.
import Docker from "dockerode";

export interface ExecResult {
  exitCode: number | null;
  /** stdout and stderr, interleaved as they came. */
  output: string;
}

export async function execIn(docker: Docker, id: string, cmd: string[]): Promise<ExecResult> {
  const exec = await docker
    .getContainer(id)
    .exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({});
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    const out = { write: (c: Buffer) => chunks.push(c) };
    docker.modem.demuxStream(
      stream,
      out as unknown as NodeJS.WritableStream,
      out as unknown as NodeJS.WritableStream,
    );
    stream.on("end", () => resolve());
    stream.on("error", reject);
  });
  const { ExitCode } = await exec.inspect();
  return { exitCode: ExitCode, output: Buffer.concat(chunks).toString() };
}
