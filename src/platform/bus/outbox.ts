import { sql } from 'kysely';
import { toDbTime } from '../../kernel/time.ts';
import { dialectOf } from '../db/ddl.ts';
import { deferredQuery, insertRows } from '../db/statements.ts';
import { onBeforeCommit, type Tx } from '../db/transaction.ts';
import { validateEnvelope, type EventEnvelope } from './events.ts';
import './tables.ts';

const pending = new WeakMap<Tx, EventEnvelope[]>();

/** Rows per outbox insert. */
const OUTBOX_SLICE = 500;

/**
 * Writes an event into the outbox in the caller's transaction: it exists iff the command commits.
 * Nothing is sent from here; the relay (`backend-outbox`) sends committed rows. Inside
 * withTransaction the events of one transaction are written together just before the commit (one
 * insert instead of one per event, and on MySQL the ordering-key locks are held only from there to
 * the commit); in any other transaction each is written at once.
 */
export async function publish(tx: Tx, event: EventEnvelope): Promise<void> {
  const env = validateEnvelope(event);
  const batch = pending.get(tx);
  if (batch) {
    batch.push(env);
    return;
  }
  const deferred = onBeforeCommit(tx, async () => {
    const events = pending.get(tx)!;
    pending.delete(tx);
    await writeOutbox(tx, events);
  });
  if (deferred) pending.set(tx, [env]);
  else await writeOutbox(tx, [env]);
}

async function writeOutbox(tx: Tx, events: EventEnvelope[]): Promise<void> {
  if (dialectOf(tx) === 'mysql') {
    // Locks each key's row until commit: a second producer of the same key waits, so for one key
    // outbox ids are allocated in commit order and the relay (which reads by id) keeps that order.
    // Keys in sorted order, so two producers lock them in the same order. SQLite runs one write
    // transaction at a time, so there ids are in commit order anyway.
    const keys = [...new Set(events.map((e) => e.key))].sort();
    for (let i = 0; i < keys.length; i += OUTBOX_SLICE) {
      const slice = keys.slice(i, i + OUTBOX_SLICE);
      await deferredQuery(
        tx,
        `outbox.lockKeys:${slice.length}`,
        slice.flatMap((k) => [k, 1]),
        () =>
          tx
            .insertInto('outbox_key')
            .values(slice.map((k) => ({ ordering_key: k, seq: 1 })))
            .onDuplicateKeyUpdate({ seq: sql`seq + 1` }),
      );
    }
  }
  // In slices: a bulk command (an import, the demo seed) publishes thousands of events, more than
  // one statement may bind (SQLite allows 32,766 variables; MySQL caps the packet size).
  for (let i = 0; i < events.length; i += OUTBOX_SLICE)
    await insertRows(
      tx,
      'outbox',
      events.slice(i, i + OUTBOX_SLICE).map((env) => ({
        event_id: env.id,
        type: env.type,
        topic: env.type.slice(0, env.type.indexOf('.')),
        ordering_key: env.key,
        body: JSON.stringify(env),
        created_at: toDbTime(new Date(env.occurredAt)),
        sent_at: null,
      })),
      // On MySQL they travel with the COMMIT (mysql-pipeline.ts).
      { deferred: true },
    );
}
