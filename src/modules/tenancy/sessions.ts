import { createHash, randomBytes } from 'node:crypto';
import type { Cache } from '../../platform/cache/index.ts';

/** Sessions expire after 12 hours without a request (a shop day with breaks; not overnight). */
export const SESSION_IDLE_MS = 12 * 60 * 60 * 1000;
/** Refresh the idle timer at most once a minute, not on every request. */
const TOUCH_EVERY_MS = 60_000;

export const SESSION_COOKIE = 'regi_session';
/** Readable by the page (not httpOnly): the app copies it into `x-csrf-token` on writes. */
export const CSRF_COOKIE = 'regi_csrf';

export type SessionMode = 'none' | 'admin' | 'sales';

export interface Session {
  accountId: number;
  corporationId: number;
  csrfToken: string;
  mode: SessionMode;
  storeId: number | null;
  registerId: number | null;
  /** The clerk acting at a shared terminal (sales mode), until `expiresAt` (epoch ms). */
  acting: { staffId: number; expiresAt: number } | null;
  touchedAt: number;
}

/**
 * Server-side sessions in the cache (memory in embedded mode, Valkey when split). The cookie holds a
 * random id; the cache key is its SHA-256, so a cache dump holds no usable cookie.
 */
export class SessionStore {
  constructor(
    private readonly cache: Cache,
    private readonly now: () => number = Date.now,
  ) {}

  private key(id: string) {
    return `session:${createHash('sha256').update(id).digest('base64url')}`;
  }

  async create(accountId: number, corporationId: number): Promise<{ id: string; session: Session }> {
    const id = randomBytes(32).toString('base64url');
    const session: Session = {
      accountId,
      corporationId,
      csrfToken: randomBytes(24).toString('base64url'),
      mode: 'none',
      storeId: null,
      registerId: null,
      acting: null,
      touchedAt: this.now(),
    };
    await this.save(id, session);
    return { id, session };
  }

  async get(id: string): Promise<Session | null> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(id)) return null;
    const raw = await this.cache.get(this.key(id));
    if (!raw) return null;
    const session = JSON.parse(raw) as Session;
    if (this.now() - session.touchedAt > TOUCH_EVERY_MS) await this.save(id, session);
    return session;
  }

  async save(id: string, session: Session): Promise<void> {
    session.touchedAt = this.now();
    await this.cache.set(this.key(id), JSON.stringify(session), SESSION_IDLE_MS);
  }

  async destroy(id: string): Promise<void> {
    await this.cache.del(this.key(id));
  }
}
