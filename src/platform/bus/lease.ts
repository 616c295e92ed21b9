import { toDbTime } from '../../kernel/time.ts';
import type { Db } from '../db/connect.ts';
import type { Tx } from '../db/transaction.ts';
import './tables.ts';

/**
 * A named lease in the database: at most one holder whose lease has not expired. The holder renews it
 * (heartbeat); anyone may take it once it has expired. Times are the processes' clocks (NTP-synced
 * containers), so the lease should be several seconds longer than any plausible skew.
 */
export async function tryAcquireLease(
  db: Db | Tx,
  name: string,
  holder: string,
  leaseMs: number,
): Promise<boolean> {
  const now = new Date();
  await db
    .insertInto('bus_lease')
    .values({ name, holder: null, expires_at: null, acquired_at: null })
    .orIgnore()
    .execute();
  const res = await db
    .updateTable('bus_lease')
    .set({ holder, expires_at: toDbTime(new Date(now.getTime() + leaseMs)), acquired_at: toDbTime(now) })
    .where('name', '=', name)
    .where((eb) =>
      eb.or([eb('holder', 'is', null), eb('expires_at', 'is', null), eb('expires_at', '<', toDbTime(now))]),
    )
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Extends the lease if `holder` still holds it; false when it was lost (expired and taken, or released). */
export async function renewLease(
  db: Db | Tx,
  name: string,
  holder: string,
  leaseMs: number,
): Promise<boolean> {
  const now = new Date();
  const res = await db
    .updateTable('bus_lease')
    .set({ expires_at: toDbTime(new Date(now.getTime() + leaseMs)) })
    .where('name', '=', name)
    .where('holder', '=', holder)
    .where('expires_at', '>=', toDbTime(now))
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export async function releaseLease(db: Db, name: string, holder: string): Promise<void> {
  await db
    .updateTable('bus_lease')
    .set({ holder: null, expires_at: null })
    .where('name', '=', name)
    .where('holder', '=', holder)
    .execute();
}

export async function leaseHolder(
  db: Db,
  name: string,
): Promise<{ holder: string | null; expiresAt: string | null }> {
  const row = await db
    .selectFrom('bus_lease')
    .select(['holder', 'expires_at'])
    .where('name', '=', name)
    .executeTakeFirst();
  return { holder: row?.holder ?? null, expiresAt: row?.expires_at ?? null };
}
