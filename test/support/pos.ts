import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { loadConfig } from '../../src/platform/config/config.ts';
import { MemoryCache } from '../../src/platform/cache/memory.ts';
import type { Cache } from '../../src/platform/cache/index.ts';
import type { DbHandle } from '../../src/platform/db/connect.ts';
import { createHttpServer, type App } from '../../src/platform/http/server.ts';
import { createLogger } from '../../src/platform/log/log.ts';
import type { Platform } from '../../src/platform/runtime/platform.ts';
import { openBus } from '../../src/platform/bus/open-bus.ts';
import { topology } from '../../src/platform/bus/topology.ts';
import { staffAuthenticator, tenancyRoutes } from '../../src/modules/tenancy/index.ts';
import { SessionStore } from '../../src/modules/tenancy/sessions.ts';
import type { FastifyPluginAsync } from 'fastify';

/** A test platform over a test database, with an in-memory cache unless one is given. */
export function testPlatform(db: DbHandle, cache: Cache = new MemoryCache()): Platform {
  const config = loadConfig({});
  return {
    config,
    log: createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    db,
    cache,
    bus: openBus(config, db.db, topology),
    mode: 'embedded',
    workloadChecks: [],
  };
}

/** Shifts the clock the access checks see (acting-clerk timeouts) without waiting. */
export interface TestClock {
  advance(ms: number): void;
  now(): number;
}

export function testClock(): TestClock {
  let offset = 0;
  return { advance: (ms) => void (offset += ms), now: () => Date.now() + offset };
}

/**
 * The POS API as pos-web-app serves it (staff sessions, tenancy routes), plus the plugins under
 * test. Requests go through `inject`, so no port is opened.
 */
export async function startPos(
  platform: Platform,
  opts: { plugins?: FastifyPluginAsync[]; clock?: TestClock; sessions?: SessionStore } = {},
): Promise<App> {
  const clock = opts.clock ?? testClock();
  return createHttpServer({
    name: 'pos-web-app',
    description: 'test',
    logger: platform.log,
    readiness: () => [],
    platform,
    authenticator: staffAuthenticator(platform, {
      sessions: opts.sessions ?? new SessionStore(platform.cache),
      now: clock.now,
    }),
    plugins: [tenancyRoutes, ...(opts.plugins ?? [])],
    docs: false,
  });
}

/** A browser-like client: keeps cookies and sends the CSRF header on writes unless told not to. */
let clients = 0;

export class StaffClient {
  private cookies = new Map<string, string>();
  /** Each client is its own device: per-address login limits do not pile up across tests. */
  readonly remoteAddress = `10.1.${Math.floor(++clients / 250)}.${clients % 250}`;
  constructor(private readonly app: App) {}

  /** The Cookie header this client sends (to replay it after the client forgot it). */
  get cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; ');
  }

  get csrf(): string | undefined {
    return this.cookies.get('regi_csrf');
  }

  async request(
    opts: InjectOptions & { csrf?: boolean },
  ): Promise<LightMyRequestResponse & { body: string }> {
    const headers: Record<string, string> = { ...(opts.headers as Record<string, string>) };
    if (this.cookies.size)
      headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; ');
    const method = (opts.method ?? 'GET').toUpperCase();
    if (opts.csrf !== false && method !== 'GET' && this.csrf) headers['x-csrf-token'] = this.csrf;
    const res = await this.app.inject({ remoteAddress: this.remoteAddress, ...opts, headers });
    if (res.statusCode >= 500) console.error(res.body);
    for (const c of res.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
      const cleared = c.value === '' || (c.expires && c.expires.getTime() < Date.now());
      if (cleared) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    return res;
  }

  get = (url: string) => this.request({ method: 'GET', url });
  post = (url: string, payload?: object, opts: { csrf?: boolean } = {}) =>
    this.request({ method: 'POST', url, payload: payload ?? {}, ...opts });
  patch = (url: string, payload: object, opts: { csrf?: boolean } = {}) =>
    this.request({ method: 'PATCH', url, payload, ...opts });
  delete = (url: string) => this.request({ method: 'DELETE', url });

  /** Signs in and checks that it worked. */
  async login(email: string, password: string): Promise<this> {
    const res = await this.post('/api/v1/auth/login', { email, password });
    if (res.statusCode !== 200) throw new Error(`login ${email}: ${res.statusCode} ${res.body}`);
    return this;
  }
}
