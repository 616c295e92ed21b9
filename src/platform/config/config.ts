import path from 'node:path';
import { z } from 'zod';

/**
 * Every setting regi reads from the environment. One entry per variable: its schema, its default and
 * the sentence the README shows. `describeConfig()` feeds the README table test, so the docs cannot
 * drift from the code.
 */
const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);
const optionalUrl = (protocols: string[]) =>
  z
    .string()
    .trim()
    .transform((v) => (v === '' ? undefined : v))
    .optional()
    .refine((v) => v === undefined || protocols.some((p) => v.startsWith(p)), {
      message: `must start with ${protocols.join(' or ')}`,
    });

export const configVariables = {
  REGI_DATA_DIR: {
    schema: z.string().min(1).default('./data'),
    doc: 'Folder for the embedded SQLite database, local files and captured mail.',
  },
  DATABASE_URL: {
    schema: optionalUrl(['sqlite:', 'mysql://']),
    doc: '`sqlite:<file>` or `mysql://user:pass@host:port/db` (MySQL 8, MariaDB ≥ 10.6, Aurora). Default: `sqlite:<REGI_DATA_DIR>/regi.db`.',
  },
  DATABASE_POOL_SIZE: {
    schema: z.coerce.number().int().min(1).max(200).default(10),
    doc: 'Connections per process in the MySQL pool (SQLite uses one connection).',
  },
  VALKEY_URL: {
    schema: optionalUrl(['redis://', 'rediss://']),
    doc: 'Valkey/Redis URL for sessions, cache and pub/sub. Unset: in-memory (one process only).',
  },
  HOST: {
    schema: z.string().min(1).default('127.0.0.1'),
    doc: 'Interface the HTTP servers bind to. Containers set `0.0.0.0`.',
  },
  POS_PORT: { schema: port(3000), doc: 'Port of `pos-web-app` (staff API and POS app).' },
  EC_PORT: { schema: port(3001), doc: 'Port of `ec-web-app` (shopper API and storefront).' },
  HEALTH_PORT: {
    schema: z.coerce.number().int().min(0).max(65535).default(0),
    doc: 'Port for `/healthz` and `/readyz` of a worker, relay or job run alone (`regi run`). 0: no listener.',
  },
  LOG_LEVEL: {
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    doc: 'pino log level.',
  },
  SHUTDOWN_TIMEOUT_MS: {
    schema: z.coerce.number().int().min(100).max(60000).default(8000),
    doc: 'How long a workload waits for in-flight work on SIGTERM before it closes connections anyway.',
  },
  BUS: {
    schema: z.enum(['sql', 'sqs']).default('sql'),
    doc: 'Message bus: `sql` (queue tables in the database; embedded mode) or `sqs` (SNS FIFO topics → SQS FIFO queues).',
  },
  AWS_REGION: {
    schema: z.string().min(1).default('ap-northeast-1'),
    doc: 'AWS region of the SNS/SQS resources (`BUS=sqs`).',
  },
  AWS_ENDPOINT_URL: {
    schema: optionalUrl(['http://', 'https://']),
    doc: 'SNS/SQS endpoint override, e.g. a local emulator. Unset: the regional AWS endpoint.',
  },
  BUS_RESOURCE_PREFIX: {
    schema: z
      .string()
      .regex(/^[A-Za-z0-9_-]{0,40}$/)
      .default('regi-'),
    doc: 'Prefix of topic and queue names created by `regi bus provision` and resolved when Copilot injects none.',
  },
  COPILOT_SNS_TOPIC_ARNS: {
    schema: z
      .string()
      .trim()
      .optional()
      .transform((v, ctx) => {
        if (!v) return undefined;
        try {
          return z.record(z.string(), z.string()).parse(JSON.parse(v));
        } catch {
          ctx.addIssue({ code: 'custom', message: 'must be a JSON object of topic name → ARN' });
          return z.NEVER;
        }
      }),
    doc: 'Injected by Copilot into the publisher: JSON map topic name → SNS topic ARN.',
  },
  COPILOT_QUEUE_URI: {
    schema: optionalUrl(['http://', 'https://']),
    doc: "Injected by Copilot into a worker service: its SQS queue's URL.",
  },
  BUS_SQL_POLL_MS: {
    schema: z.coerce.number().int().min(10).max(10000).default(200),
    doc: 'How often an idle worker on the `sql` bus looks for messages from other processes (same-process publishes wake it at once).',
  },
  RELAY_BATCH_SIZE: {
    schema: z.coerce.number().int().min(1).max(1000).default(200),
    doc: 'Outbox rows the relay sends per pass.',
  },
  RELAY_POLL_MS: {
    schema: z.coerce.number().int().min(10).max(10000).default(50),
    doc: 'Pause of the relay when the outbox is empty.',
  },
  RELAY_LEASE_MS: {
    schema: z.coerce.number().int().min(500).max(600000).default(15000),
    doc: 'Lease of the active relay; a standby takes over when it is not renewed for this long.',
  },
  RELAY_HEARTBEAT_MS: {
    schema: z.coerce.number().int().min(100).max(60000).default(3000),
    doc: 'How often the active relay renews its lease and a standby tries to take it (keep well under `RELAY_LEASE_MS`).',
  },
  BUS_RETENTION_HOURS: {
    schema: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 365)
      .default(168),
    doc: 'Sent outbox rows and inbox records older than this are deleted by the relay.',
  },
  WORKER_CONCURRENCY: {
    schema: z.coerce.number().int().min(1).max(64).default(4),
    doc: 'Messages a worker handles at once (messages with the same ordering key always one after another).',
  },
  WORKER_RETRY_BASE_MS: {
    schema: z.coerce.number().int().min(0).max(600000).default(2000),
    doc: "First retry delay of a failed message; doubles per attempt up to `WORKER_RETRY_MAX_MS`; after the queue's maxReceiveCount it goes to the DLQ.",
  },
  WORKER_RETRY_MAX_MS: {
    schema: z.coerce.number().int().min(0).max(43200000).default(300000),
    doc: 'Longest retry delay of a failed message.',
  },
  SESSION_COOKIE_SECURE: {
    schema: z
      .enum(['true', 'false'])
      .default('false')
      .transform((v) => v === 'true'),
    doc: 'Mark the staff session cookies `Secure` (set `true` whenever the POS is served over HTTPS).',
  },
  STAFF_BARCODE_SECRET: {
    schema: z.string().trim().min(32).optional(),
    doc: 'HMAC key (≥ 32 characters) that signs staff barcodes. Unset: one is generated on first use and kept in the database (`system_state`).',
  },
} as const;

type Vars = typeof configVariables;
export type Config = { [K in keyof Vars]: z.output<Vars[K]['schema']> } & { databaseUrl: string };

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    detail: string,
  ) {
    super(`invalid configuration: ${variable} ${detail}`);
  }
}

/** Parses the environment; throws ConfigError naming the first bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const out: Record<string, unknown> = {};
  for (const [name, { schema }] of Object.entries(configVariables)) {
    const raw = env[name];
    const parsed = (schema as z.ZodType).safeParse(raw === '' ? undefined : raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ConfigError(name, `${issue?.message ?? 'is invalid'} (got ${JSON.stringify(raw)})`);
    }
    out[name] = parsed.data;
  }
  const config = out as Omit<Config, 'databaseUrl'>;
  const databaseUrl = config.DATABASE_URL ?? `sqlite:${path.join(config.REGI_DATA_DIR, 'regi.db')}`;
  return { ...config, databaseUrl } as Config;
}

export function describeConfig(): { name: string; default: string; doc: string }[] {
  return Object.entries(configVariables).map(([name, { schema, doc }]) => {
    const parsed = (schema as z.ZodType).safeParse(undefined);
    const value = parsed.success && parsed.data !== undefined ? String(parsed.data) : '';
    return { name, default: value, doc };
  });
}
