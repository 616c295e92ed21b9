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
];

export function describeConfig(): { name: string; default: string; doc: string }[] {
  return Object.entries(configVariables).map(([name, { schema, doc }]) => {
    const parsed = (schema as z.ZodType).safeParse(undefined);
    const value = parsed.success && parsed.data !== undefined ? String(parsed.data) : '';
    return { name, default: value, doc };
  });
}
