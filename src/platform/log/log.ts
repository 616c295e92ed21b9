import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * One JSON line per event. Each workload logs through `rootLogger.child({ workload })`; request and
 * message handlers add `reqId` / `messageId` and tenant ids (`corporationId`, `storeId`) through
 * child loggers of their own. Personal data (names, e-mails, addresses) never goes into a log line.
 */
export function createLogger(opts: { level: string; destination?: pino.DestinationStream }): Logger {
  return pino(
    {
      level: opts.level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: {
        paths: [
          'req.headers.cookie',
          'req.headers.authorization',
          'req.headers["x-csrf-token"]',
          '*.password',
        ],
        remove: true,
      },
    },
    opts.destination ?? pino.destination({ sync: true }),
  );
}
