import { pino, type Logger } from "pino";

/**
 * Structured JSON logs. Lines about an instance carry `instanceId`; secrets are
 * redacted wherever a log call might carry them.
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: "weft" },
      redact: {
        paths: ["token", "apiToken", "secret", "*.secret", "*.token", "headers.authorization", "req.headers.authorization"],
        censor: "[redacted]",
      },
    },
    destination ?? process.stdout,
  );
}

export type { Logger };
