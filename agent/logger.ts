import winston from "winston";

export type LogFormat = "json" | "text";

/** Structured JSON to stdout (journald keeps it); `text` for a person at a terminal. */
export function createLogger(opts: { format: LogFormat; level: string }): winston.Logger {
  const format =
    opts.format === "json"
      ? winston.format.combine(winston.format.timestamp(), winston.format.json())
      : winston.format.combine(
          winston.format.timestamp({ format: "HH:mm:ss.SSS" }),
          winston.format.printf(({ timestamp, level, message, ...fields }) => {
            const rest = Object.entries(fields)
              .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
              .join(" ");
            return `${String(timestamp)} ${level.toUpperCase().padEnd(5)} ${String(message)}${rest ? ` ${rest}` : ""}`;
          }),
        );
  return winston.createLogger({
    level: opts.level,
    format,
    transports: [new winston.transports.Console({ stderrLevels: [] })],
  });
}
