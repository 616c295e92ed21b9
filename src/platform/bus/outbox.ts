import { sql } from 'kysely';
import { toDbTime } from '../../kernel/time.ts';
import { dialectOf } from '../db/ddl.ts';
import type { Tx } from '../db/transaction.ts';
import { validateEnvelope, type EventEnvelope } from './events.ts';
import './tables.ts';

/**
 * Writes an event into the outbox in the caller's transaction: it exists iff the command commits.
 * Nothing is sent from here; the relay (`backend-outbox`) sends committed rows.
 */
export async function publish(tx: Tx, event: EventEnvelope): Promise<void> {
  const env = validateEnvelope(event);
  if (dialectOf(tx) === 'mysql') {
    // Locks the key's row until commit: a second producer of the same key waits, so for one key
    // outbox ids are allocated in commit order and the relay (which reads by id) keeps that order.
    // SQLite runs one write transaction at a time, so there ids are in commit order anyway.
    await tx
      .insertInto('outbox_key')
      .values({ ordering_key: env.key, seq: 1 })
      .onDuplicateKeyUpdate({ seq: sql`seq + 1` })
      .execute();
  }
  await tx
    .insertInto('outbox')
    .values({
      event_id: env.id,
      type: env.type,
      topic: env.type.slice(0, env.type.indexOf('.')),
      ordering_key: env.key,
      body: JSON.stringify(env),
      created_at: toDbTime(new Date(env.occurredAt)),
      sent_at: null,
    })
    .execute();
}
