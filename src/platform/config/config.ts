import path from 'node:path';
import { z } from 'zod';

/**
 * Every setting regi reads from the environment. One entry per variable: its schema, its default and
 * the sentence the README shows. `describeConfig()` feeds the README table test, so the docs cannot
 * drift from the code.
 */
const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);
/** An optional JSON object of string keys to `value`s (maps Copilot or an operator puts in one variable). */
const optionalJsonMap = (value: z.ZodType<string>, what: string) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (!v) return undefined;
      try {
        return z.record(z.string(), value).parse(JSON.parse(v));
      } catch {
        ctx.addIssue({ code: 'custom', message: `must be a JSON object of ${what}` });
        return z.NEVER;
      }
    });

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
  DATABASE_HOST: {
    schema: z.string().trim().min(1).optional(),
    doc: 'MySQL host, instead of `DATABASE_URL`: the URL is composed from `DATABASE_HOST`/`_PORT`/`_NAME`/`_USER`/`_PASSWORD` (AWS injects user and password from Secrets Manager). Not with `DATABASE_URL`.',
  },
  DATABASE_PORT: { schema: port(3306), doc: 'MySQL port, with `DATABASE_HOST`.' },
  DATABASE_NAME: {
    schema: z
      .string()
      .regex(/^[A-Za-z0-9_]{1,64}$/, 'must be letters, digits or _')
      .default('regi'),
    doc: 'MySQL database (schema) name, with `DATABASE_HOST`.',
  },
  DATABASE_USER: {
    schema: z.string().min(1).optional(),
    doc: 'MySQL user, with `DATABASE_HOST` (a secret in AWS).',
  },
  DATABASE_PASSWORD: {
    schema: z.string().min(1).optional(),
    doc: 'MySQL password, with `DATABASE_HOST` (a secret in AWS; never in a file of the repo).',
  },
  DATABASE_TLS: {
    schema: z
      .enum(['true', 'false'])
      .default('false')
      .transform((v) => v === 'true'),
    doc: '`true`: connect to MySQL over TLS and verify the server certificate (RDS Proxy requires it in AWS).',
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
    doc: 'Prefix of topic and queue names created by `regi bus provision` and resolved when Copilot injects none and `COPILOT_APPLICATION_NAME`/`COPILOT_ENVIRONMENT_NAME` are unset.',
  },
  COPILOT_SNS_TOPIC_ARNS: {
    schema: optionalJsonMap(z.string(), 'topic name → ARN'),
    doc: 'Injected by Copilot into the publisher: JSON map topic name → SNS topic ARN.',
  },
  COPILOT_QUEUE_URI: {
    schema: optionalUrl(['http://', 'https://']),
    doc: "Injected by Copilot into a worker service: its SQS queue's URL.",
  },
  COPILOT_APPLICATION_NAME: {
    schema: z.string().trim().min(1).optional(),
    doc: "Injected by Copilot into every service and job (`pos`). With `COPILOT_ENVIRONMENT_NAME`, the `sqs` bus finds resources by the names Copilot gives them: topics `<app>-<env>-backend-outbox-<family>.fifo`, and each worker's queue by listing `<app>-<env>-<worker>-EventsQueue-…` (or its `copilot-service` tag), its DLQ from the redrive policy. Set both by hand to run `regi dlq` against an AWS environment.",
  },
  COPILOT_ENVIRONMENT_NAME: {
    schema: z.string().trim().min(1).optional(),
    doc: 'Injected by Copilot into every service and job (`staging`, `production`...): see `COPILOT_APPLICATION_NAME`. Also the `Environment` dimension of the metrics.',
  },
  BUS_QUEUE_URLS: {
    schema: optionalJsonMap(z.url(), 'worker name → SQS queue URL'),
    doc: 'JSON map worker → SQS queue URL (`{"worker-item": "https://sqs…"}`), for queues named neither by `BUS_RESOURCE_PREFIX` nor by Copilot; wins over both. A worker\'s own `COPILOT_QUEUE_URI` wins over this.',
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
  TRUST_PROXY: {
    schema: z
      .string()
      .trim()
      .default('false')
      .transform((v): boolean | string => (v === 'true' ? true : v === 'false' ? false : v)),
    doc: 'Which proxies to believe for the client address (login limits, logs): `false`, `true`, or comma-separated addresses/CIDRs (the load balancer subnets, e.g. `10.0.0.0/16`).',
  },
  STAFF_BARCODE_SECRET: {
    schema: z.string().trim().min(32).optional(),
    doc: 'HMAC key (≥ 32 characters) that signs staff barcodes. Unset: one is generated on first use and kept in the database (`system_state`).',
  },
  MAIL_TRANSPORT: {
    schema: z.enum(['capture', 'smtp', 'ses']).default('capture'),
    doc: 'Where e-mail goes: `capture` (stored in the database and shown to owners; embedded mode), `smtp` (`SMTP_URL`) or `ses` (Amazon SES v2, `AWS_REGION`).',
  },
  SMTP_URL: {
    schema: optionalUrl(['smtp://', 'smtps://']),
    doc: 'SMTP server for `MAIL_TRANSPORT=smtp`, e.g. `smtp://user:pass@mail.example.jp:587`.',
  },
  MAIL_FROM: {
    schema: z.string().min(3).default('regi <no-reply@localhost>'),
    doc: 'Sender of every e-mail regi sends.',
  },
  SLACK_WEBHOOK_URL: {
    schema: optionalUrl(['https://', 'http://']),
    doc: 'Slack incoming webhook for operator alerts. Unset: Slack notifications fail as undeliverable.',
  },
  NOTIFY_RATE_LIMIT_PER_HOUR: {
    schema: z.coerce.number().int().min(1).max(10000).default(30),
    doc: 'Notifications one recipient may receive per hour; more are recorded as `rate_limited`.',
  },
  SCHEDULER_CLOCK: {
    schema: z.enum(['all', 'delayed-only', 'off']).default('all'),
    doc: 'What the clock in worker-scheduled fires: `all` (periodic runs and delayed jobs), `delayed-only` (periodic runs come from EventBridge Scheduler) or `off`.',
  },
  SCHEDULER_TICK_MS: {
    schema: z.coerce.number().int().min(100).max(60000).default(1000),
    doc: 'How often the clock looks for delayed jobs that are due.',
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
  return { ...config, databaseUrl: databaseUrlOf(config) } as Config;
}

/**
 * `DATABASE_URL` as given, or composed from its parts: in AWS the host comes from the environment's
 * CloudFormation export and the user/password from the Secrets Manager secret, so no URL with a
 * password is ever stored anywhere.
 */
function databaseUrlOf(c: Omit<Config, 'databaseUrl'>): string {
  if (c.DATABASE_HOST === undefined) {
    return c.DATABASE_URL ?? `sqlite:${path.join(c.REGI_DATA_DIR, 'regi.db')}`;
  }
  if (c.DATABASE_URL !== undefined)
    throw new ConfigError('DATABASE_HOST', 'cannot be set together with DATABASE_URL (choose one)');
  if (c.DATABASE_USER === undefined) throw new ConfigError('DATABASE_USER', 'is required with DATABASE_HOST');
  const auth =
    encodeURIComponent(c.DATABASE_USER) +
    (c.DATABASE_PASSWORD === undefined ? '' : `:${encodeURIComponent(c.DATABASE_PASSWORD)}`);
  return `mysql://${auth}@${c.DATABASE_HOST}:${c.DATABASE_PORT}/${c.DATABASE_NAME}`;
}

/**
 * What a workload run on its own (`regi run`, one container) must be given, as alternatives: each
 * entry is satisfied when every variable of one of its options is set. The Copilot checks prove
 * every manifest sets these for every environment.
 */
export const splitModeRequirements: { need: string; anyOf: (keyof typeof configVariables)[][] }[] = [
  {
    need: 'a MySQL database',
    anyOf: [['DATABASE_URL'], ['DATABASE_HOST', 'DATABASE_USER', 'DATABASE_PASSWORD']],
  },
  { need: 'a shared Valkey/Redis', anyOf: [['VALKEY_URL']] },
  // The sql bus works split too, but in AWS events travel over SNS/SQS: say so explicitly.
  { need: 'the SNS/SQS bus', anyOf: [['BUS']] },
];

export function describeConfig(): { name: string; default: string; doc: string }[] {
  return Object.entries(configVariables).map(([name, { schema, doc }]) => {
    const parsed = (schema as z.ZodType).safeParse(undefined);
    const value = parsed.success && parsed.data !== undefined ? String(parsed.data) : '';
    return { name, default: value, doc };
  });
}
