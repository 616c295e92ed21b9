import os from 'node:os';
import { randomUUID } from 'node:crypto';
import { toDbTime } from '../../kernel/time.ts';
import type { Db } from '../db/connect.ts';
import { withTransaction } from '../db/transaction.ts';
import type { Logger } from '../log/log.ts';
import type { ReadinessCheck } from '../runtime/readiness.ts';
import type { Bus } from './bus.ts';
import type { EventEnvelope } from './events.ts';
import { releaseLease, renewLease, tryAcquireLease } from './lease.ts';
import './tables.ts';

export const RELAY_LEASE = 'outbox-relay';

export interface RelayOptions {
  db: Db;
  bus: Bus;
  log: Logger;
  batchSize: number;
  pollMs: number;
  leaseMs: number;
  heartbeatMs: number;
  retentionMs: number;
  holder?: string;
}

export interface Relay {
  readonly holder: string;
  isActive(): boolean;
  checks: ReadinessCheck[];
  /** Stops after the current pass and releases the lease, so a standby takes over at once. */
  stop(): Promise<void>;
  /** Stops without releasing, as a crash would: a standby takes over when the lease expires. */
  abandon(): Promise<void>;
}

class LeaseLost extends Error {}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });

/**
 * The outbox relay. Standby until it holds the lease; then it reads unsent rows in id order, sends
 * them and marks them sent — the marking in a transaction that also proves the lease is still ours,
 * so a relay that lost its lease (paused, partitioned) cannot mark anything. A crash between send and
 * mark re-sends the batch: the buses dedupe on event id and consumers' inboxes ignore repeats.
 * Rows are never skipped by a high-water mark, so a row committed late (lower id) is still sent.
 */
export function startRelay(o: RelayOptions): Relay {
  const holder = o.holder ?? `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const stopping = new AbortController();
  let active = false;
  let lastPass = Date.now();
  let lastError: string | null = null;
  let lastPrune = 0;

  async function heartbeat() {
    try {
      if (active) {
        if (!(await renewLease(o.db, RELAY_LEASE, holder, o.leaseMs))) {
          active = false;
          o.log.warn({ holder }, 'relay lost its lease; now standby');
        }
      } else if (await tryAcquireLease(o.db, RELAY_LEASE, holder, o.leaseMs)) {
        active = true;
        o.log.info({ holder }, 'relay holds the lease; now active');
      }
    } catch (err) {
      o.log.error({ err }, 'relay lease heartbeat failed');
    }
  }

  async function pass(): Promise<number> {
    const rows = await o.db
      .selectFrom('outbox')
      .select(['id', 'topic', 'body'])
      .where('sent_at', 'is', null)
      .orderBy('id')
      .limit(o.batchSize)
      .execute();
    if (rows.length === 0) return 0;
    const events = rows.map((r) => ({
      topic: r.topic,
      envelope: JSON.parse(r.body) as EventEnvelope,
      id: Number(r.id),
    }));
    const markSent = async (tx: Parameters<Parameters<typeof withTransaction>[1]>[0], ids: number[]) => {
      if (!(await renewLease(tx, RELAY_LEASE, holder, o.leaseMs))) throw new LeaseLost();
      if (ids.length > 0)
        await tx
          .updateTable('outbox')
          .set({ sent_at: toDbTime(new Date()) })
          .where('id', 'in', ids)
          .execute();
    };
    let sent: number[];
    if (o.bus.kind === 'sql') {
      // Same database: the messages and the "sent" marks commit together, exactly once.
      sent = await withTransaction(o.db, async (tx) => {
        const res = await o.bus.publish(events, tx);
        const ok = new Set(res.published);
        const ids = events.filter((e) => ok.has(e.envelope.id)).map((e) => e.id);
        await markSent(tx, ids);
        return ids;
      });
    } else {
      const res = await o.bus.publish(events);
      const ok = new Set(res.published);
      const ids = events.filter((e) => ok.has(e.envelope.id)).map((e) => e.id);
      await withTransaction(o.db, (tx) => markSent(tx, ids));
      if (res.failed.length > 0) {
        lastError = res.failed[0]!.error;
        o.log.warn(
          { failed: res.failed.length, first: res.failed[0] },
          'bus refused some events; they are retried',
        );
      }
      sent = ids;
    }
    const lagMs = Date.now() - new Date(events[0]!.envelope.occurredAt).getTime();
    o.log.debug({ sent: sent.length, lagMs }, 'relayed');
    return sent.length;
  }

  async function prune() {
    if (Date.now() - lastPrune < 60_000) return;
    lastPrune = Date.now();
    const before = toDbTime(new Date(Date.now() - o.retentionMs));
    for (;;) {
      const ids = (
        await o.db
          .selectFrom('outbox')
          .select('id')
          .where('sent_at', '<', before)
          .orderBy('id')
          .limit(1000)
          .execute()
      ).map((r) => Number(r.id));
      if (ids.length === 0) break;
      await o.db.deleteFrom('outbox').where('id', 'in', ids).execute();
    }
    await o.db.deleteFrom('bus_inbox').where('handled_at', '<', before).execute();
  }

  const loop = (async () => {
    let nextBeat = 0;
    while (!stopping.signal.aborted) {
      if (Date.now() >= nextBeat) {
        await heartbeat();
        nextBeat = Date.now() + o.heartbeatMs;
      }
      if (!active) {
        await sleep(Math.max(10, nextBeat - Date.now()), stopping.signal);
        continue;
      }
      try {
        const n = await pass();
        lastPass = Date.now();
        lastError = n > 0 ? null : lastError;
        await prune();
        if (n < o.batchSize) await sleep(o.pollMs, stopping.signal);
        // A full batch: go on at once, but let I/O (HTTP in the same process) in first.
        else await new Promise((resolve) => setImmediate(resolve));
      } catch (err) {
        if (err instanceof LeaseLost) {
          active = false;
          o.log.warn({ holder }, 'relay lost its lease mid-batch; now standby');
        } else {
          lastError = (err as Error).message;
          o.log.error({ err }, 'relay pass failed; retrying');
        }
        await sleep(Math.max(o.pollMs, 500), stopping.signal);
      }
    }
  })();

  return {
    holder,
    isActive: () => active,
    checks: [
      {
        name: 'outbox',
        check: async () => {
          const row = await o.db
            .selectFrom('outbox')
            .select((eb) => [eb.fn.countAll<number>().as('backlog'), eb.fn.min('created_at').as('oldest')])
            .where('sent_at', 'is', null)
            .executeTakeFirst();
          const backlog = Number(row?.backlog ?? 0);
          const oldest = row?.oldest ? String(row.oldest) : null;
          const oldestAgeMs = oldest ? Date.now() - new Date(oldest.replace(' ', 'T') + 'Z').getTime() : 0;
          // A standby is ready (it is waiting by design); an active relay that stopped passing is not.
          const stuck = active && Date.now() - lastPass > Math.max(30_000, o.leaseMs * 2);
          return {
            ok: !stuck,
            detail: { role: active ? 'active' : 'standby', holder, backlog, oldestAgeMs, lastError },
          };
        },
      },
    ],
    async stop() {
      stopping.abort();
      await loop;
      if (active) await releaseLease(o.db, RELAY_LEASE, holder).catch(() => {});
      active = false;
    },
    async abandon() {
      stopping.abort();
      await loop;
      active = false;
    },
  };
}
