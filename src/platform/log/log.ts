import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Query parameters whose values may be personal data (a customer search `q` is often a name or a
 * phone number; a 領収書 addressee is a name): request log lines keep the parameter, not the value.
 */
const PERSONAL_QUERY_PARAMS = new Set(['q', 'addressee', 'name', 'email', 'phone']);

/** The URL as a request log line shows it: personal query values replaced by `*`. */
export function loggableUrl(url: string): string {
  const at = url.indexOf('?');
  if (at < 0) return url;
  const query = url
    .slice(at + 1)
    .split('&')
    .map((pair) => {
      const name = pair.split('=')[0]!;
      let decoded = name;
      try {
        decoded = decodeURIComponent(name.replaceAll('+', ' '));
      } catch {
        // a malformed name is logged as sent
      }
      return PERSONAL_QUERY_PARAMS.has(decoded) ? `${name}=*` : pair;
    })
    .join('&');
  return `${url.slice(0, at)}?${query}`;
}

/** Fastify's request serializer, with the URL passed through loggableUrl. */
function requestSerializer(req: {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  headers?: Record<string, unknown>;
  socket?: { remotePort?: number };
}) {
  return {
    method: req.method,
    url: req.url === undefined ? undefined : loggableUrl(req.url),
    version: req.headers?.['accept-version'],
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

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
      // Fastify lets a given logger's own serializers win over its defaults.
      serializers: { req: requestSerializer },
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
