// grpc-js passes the target host as the TLS server name even when it is an IP address, and Node
// flags that (DEP0123) on every TLS call to a hub addressed by IP. SNI is simply not sent for an
// IP and the certificate is still checked against it, so the CLI drops that one warning.
export function silenceIpServerNameWarning(): void {
  const emit = process.emitWarning.bind(process) as (...args: unknown[]) => void;
  process.emitWarning = ((warning: unknown, ...rest: unknown[]) => {
    const code =
      typeof rest[0] === "object" && rest[0] !== null
        ? (rest[0] as { code?: unknown }).code
        : rest[1];
    if (code === "DEP0123") return;
    emit(warning, ...rest);
  }) as typeof process.emitWarning;
}
