import { randomBytes } from 'node:crypto';
import { toDbTime } from '../../kernel/time.ts';
import type { Db } from '../../platform/db/connect.ts';

const KEY = 'tenancy:staff_barcode_secret';

/**
 * The staff-barcode signing key: `STAFF_BARCODE_SECRET` when set; otherwise one generated on first
 * use and kept in `system_state`, so `npm start` needs no secrets and every process sharing the
 * database signs alike. Two processes racing to create it both end up reading the winner's.
 */
export async function loadBarcodeSecret(db: Db, configured: string | undefined): Promise<string> {
  if (configured) return configured;
  const read = () => db.selectFrom('system_state').select('value').where('key', '=', KEY).executeTakeFirst();
  const existing = await read();
  if (existing) return existing.value;
  try {
    await db
      .insertInto('system_state')
      .values({ key: KEY, value: randomBytes(32).toString('base64url'), updated_at: toDbTime(new Date()) })
      .execute();
  } catch {
    // another process inserted it first: fall through and read theirs
  }
  const created = await read();
  if (!created) throw new Error('could not create the staff barcode secret');
  return created.value;
}
