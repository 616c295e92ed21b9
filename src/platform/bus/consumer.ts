import { toDbTime } from '../../kernel/time.ts';
import type { Cache } from '../cache/index.ts';
import { loadConfig, type Config } from '../config/config.ts';
import type { Db } from '../db/connect.ts';
import { withTransaction } from '../db/transaction.ts';
import type { Logger } from '../log/log.ts';
import type { ReadinessCheck } from '../runtime/readiness.ts';
import type { Bus, Delivery } from './bus.ts';
import { validateEnvelope } from './events.ts';
import type { EventHandler } from './handler.ts';
import type { QueueDeclaration } from './topology-types.ts';
import './tables.ts';

export interface ConsumerOptions {
  /** The consumer's name: its queue and its inbox key. */
  queue: QueueDeclaration;
  handlers: readonly EventHandler[];
  db: Db;
  bus: Bus;
  cache: Cache;
  /** The process configuration, for handlers that talk to the outside (mail transport, webhooks); default: the environment's. */
  config?: Config;
  log: Logger;
  concurrency: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** Long-poll wait per receive. */
  waitMs?: number;
  /** Messages per receive (SQS allows at most 10; the sql bus takes more per query). */
  batchSize?: number;
}

export interface Consumer {
  checks: ReadinessCheck[];
  /** Stops receiving, lets in-flight messages finish, then resolves. */
  stop(): Promise<void>;
}

/** Retry delay after the n-th failed receive: base · 2^(n−1), capped. */
export function retryDelayMs(receiveCount: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, receiveCount - 1));
}

function isDuplicateKey(err: unknown): boolean {
  const e = err as { code?: string; errno?: number };
  return (
    e?.errno === 1062 || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE'
  );
}

/**
 * The worker runtime. Receives from the worker's queue, dispatches by type, and for each message runs
 * all its handlers and the inbox record `(consumer, event id)` in one transaction: a redelivered event
 * whose effects committed finds its inbox row and is only acknowledged. A failure leaves the message
 * to come back after a growing delay; the bus dead-letters it after the queue's maxReceiveCount.
 * Messages of one ordering key are handled one after another; different keys run concurrently.
 */
export function startConsumer(o: ConsumerOptions): Consumer {
  const consumer = o.queue.worker;
  const config = o.config ?? loadConfig();
  const byType = new Map<string, EventHandler[]>();
  for (const h of o.handlers) byType.set(h.type, [...(byType.get(h.type) ?? []), h]);
  const stopping = new AbortController();
  const stats = {
    handled: 0,
    duplicates: 0,
    failed: 0,
    lastPollOk: Date.now(),
    receiveFailing: false,
    lastError: null as string | null,
  };

  /** True when the message is done (handled now or before) and may be acknowledged. */
  async function handleOne(d: Delivery): Promise<boolean> {
    const env = d.envelope;
    const log = o.log.child({ eventId: env.id, type: env.type, key: env.key, receiveCount: d.receiveCount });
    const lagMs = Date.now() - new Date(env.occurredAt).getTime();
    const afterCommit: (() => Promise<void>)[] = [];
    const extendEvery = Math.max(1, o.queue.visibilityTimeoutSeconds / 2) * 1000;
    const extender = setInterval(() => {
      o.bus
        .extendVisibility(consumer, d, o.queue.visibilityTimeoutSeconds)
        .catch((err) => log.warn({ err }, 'could not extend visibility'));
    }, extendEvery);
    try {
      const handlers = byType.get(env.type);
      if (!handlers) throw new Error(`${consumer} has no handler for ${env.type}`);
      const event = validateEnvelope(env);
      const applied = await withTransaction(o.db, async (tx) => {
        afterCommit.length = 0;
        const seen = await tx
          .selectFrom('bus_inbox')
          .select('event_id')
          .where('consumer', '=', consumer)
          .where('event_id', '=', env.id)
          .executeTakeFirst();
        if (seen) return false;
        for (const h of handlers)
          await h.handle(tx, event, {
            log,
            cache: o.cache,
            config,
            afterCommit: (fn) => afterCommit.push(fn),
          });
        await tx
          .insertInto('bus_inbox')
          .values({ consumer, event_id: env.id, handled_at: toDbTime(new Date()) })
          .execute();
        return true;
      }).catch((err: unknown) => {
        // Two deliveries of one event raced; the other one committed the effects.
        if (isDuplicateKey(err)) return false;
        throw err;
      });
      if (applied) {
        stats.handled++;
        log.info({ lagMs }, 'event handled');
        for (const fn of afterCommit)
          await fn().catch((err: unknown) => log.warn({ err }, 'after-commit action failed'));
      } else {
        stats.duplicates++;
        log.info({ lagMs }, 'event already handled; acknowledging the repeat');
      }
      return true;
    } catch (err) {
      stats.failed++;
      stats.lastError = (err as Error).message;
      const delay = retryDelayMs(d.receiveCount, o.retryBaseMs, o.retryMaxMs);
      const last = d.receiveCount >= o.queue.maxReceiveCount;
      log.error({ err, retryInMs: delay, deadLetterNext: last }, 'event handler failed');
      await o.bus
        .retryLater(consumer, d, delay, (err as Error).message)
        .catch((e: unknown) => log.warn({ err: e }, 'could not delay the retry'));
      return false;
    } finally {
      clearInterval(extender);
    }
  }

  /** Runs one key's messages in order; after a failure the rest of the key waits (order is kept). */
  async function handleGroup(group: Delivery[]): Promise<Delivery[]> {
    const done: Delivery[] = [];
    for (const [i, d] of group.entries()) {
      // Let I/O in between messages: on SQLite every query is a resolved promise, and a burst of
      // thousands of events would otherwise keep the event loop from answering HTTP in the same
      // process (regi dev).
      await new Promise((resolve) => setImmediate(resolve));
      if (await handleOne(d)) done.push(d);
      else {
        for (const rest of group.slice(i + 1))
          await o.bus
            .retryLater(
              consumer,
              rest,
              retryDelayMs(d.receiveCount, o.retryBaseMs, o.retryMaxMs),
              'held back behind a failed message of its key',
            )
            .catch(() => {});
        break;
      }
    }
    return done;
  }

  const loop = (async () => {
    while (!stopping.signal.aborted) {
      let batch: Delivery[];
      try {
        batch = await o.bus.receive(consumer, {
          max: o.batchSize ?? (o.bus.kind === 'sqs' ? 10 : Math.max(10, o.concurrency * 8)),
          waitMs: o.waitMs ?? 10_000,
          signal: stopping.signal,
        });
        stats.lastPollOk = Date.now();
        stats.receiveFailing = false;
      } catch (err) {
        stats.receiveFailing = true;
        stats.lastError = (err as Error).message;
        o.log.error({ err }, 'receive failed; retrying');
        await new Promise((r) => setTimeout(r, 1000));
        continue;
      }
      if (batch.length === 0) continue;
      const groups = new Map<string, Delivery[]>();
      for (const d of batch) groups.set(d.envelope.key, [...(groups.get(d.envelope.key) ?? []), d]);
      const queue = [...groups.values()];
      const acks: Delivery[] = [];
      await Promise.all(
        Array.from({ length: Math.min(o.concurrency, queue.length) }, async () => {
          for (let g = queue.shift(); g; g = queue.shift()) acks.push(...(await handleGroup(g)));
        }),
      );
      await o.bus
        .ack(consumer, acks)
        .catch((err: unknown) => o.log.warn({ err }, 'ack failed; the inbox will absorb the redelivery'));
    }
  })();

  return {
    checks: [
      {
        name: 'queue',
        check: async () => ({
          ok: !stats.receiveFailing && Date.now() - stats.lastPollOk < 60_000,
          detail: { queue: consumer, bus: o.bus.kind, handlers: o.handlers.map((h) => h.name), ...stats },
        }),
      },
    ],
    async stop() {
      stopping.abort();
      await loop;
    },
  };
}
