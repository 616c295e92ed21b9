/**
 * Shared, expiring key/value state and pub/sub: staff sessions, rate-limit counters, task-progress
 * streams. In-memory for one process (embedded mode), Valkey/Redis when several processes must
 * see the same state (`VALKEY_URL`).
 */
export type Unsubscribe = () => Promise<void>;

export interface Cache {
  readonly kind: 'memory' | 'valkey';
  get(key: string): Promise<string | null>;
  /** Stores a value; `ttlMs` omitted means no expiry. */
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  del(key: string): Promise<void>;
  /** Increments a counter, starting its expiry window on the first increment; returns the count. */
  incr(key: string, windowMs: number): Promise<number>;
  publish(channel: string, message: string): Promise<void>;
  subscribe(channel: string, onMessage: (message: string) => void): Promise<Unsubscribe>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
