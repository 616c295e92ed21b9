import { Redis } from 'iovalkey';
import type { Cache, Unsubscribe } from './cache.ts';

/**
 * Valkey/Redis-backed cache. Pub/sub needs a connection of its own (a subscribed connection can run
 * nothing else), opened on the first subscribe and shared by all channels of this process.
 */
export class ValkeyCache implements Cache {
  readonly kind = 'valkey' as const;
  private readonly client: Redis;
  private subscriber: Redis | undefined;
  private readonly handlers = new Map<string, Set<(message: string) => void>>();

  constructor(
    private readonly url: string,
    private readonly prefix = 'regi:',
  ) {
    this.client = this.connect();
  }

  private connect(): Redis {
    // Fail fast while the server is unreachable instead of queueing commands forever.
    return new Redis(this.url, { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false });
  }

  async get(key: string) {
    return this.client.get(this.prefix + key);
  }

  async set(key: string, value: string, ttlMs?: number) {
    if (ttlMs === undefined) await this.client.set(this.prefix + key, value);
    else await this.client.set(this.prefix + key, value, 'PX', Math.max(1, Math.ceil(ttlMs)));
  }

  async del(key: string) {
    await this.client.del(this.prefix + key);
  }

  async incr(key: string, windowMs: number) {
    const k = this.prefix + key;
    // One round trip; PEXPIRE NX starts the window on the first increment only.
    const result = await this.client.multi().incr(k).call('PEXPIRE', k, String(windowMs), 'NX').exec();
    const [err, count] = result?.[0] ?? [new Error('INCR returned nothing'), 0];
    if (err) throw err;
    return Number(count);
  }

  async publish(channel: string, message: string) {
    await this.client.publish(this.prefix + channel, message);
  }

  async subscribe(channel: string, onMessage: (message: string) => void): Promise<Unsubscribe> {
    const full = this.prefix + channel;
    if (!this.subscriber) {
      this.subscriber = this.connect();
      this.subscriber.on('message', (ch: string, msg: string) => {
        for (const h of this.handlers.get(ch) ?? []) h(msg);
      });
    }
    let set = this.handlers.get(full);
    if (!set) {
      set = new Set();
      this.handlers.set(full, set);
      await this.subscriber.subscribe(full);
    }
    set.add(onMessage);
    return async () => {
      set.delete(onMessage);
      if (set.size === 0 && this.handlers.get(full) === set) {
        this.handlers.delete(full);
        await this.subscriber?.unsubscribe(full);
      }
    };
  }

  async ping() {
    await this.client.ping();
  }

  async close() {
    await Promise.allSettled([this.client.quit(), this.subscriber?.quit()]);
  }
}
