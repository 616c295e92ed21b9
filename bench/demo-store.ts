import { openDatabase, type DbHandle } from '../src/platform/db/connect.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { seedDemo } from '../src/modules/demo/seed.ts';
import { tenancySeed } from '../src/modules/tenancy/seed.ts';

export interface BenchStore {
  handle: DbHandle;
  scope: { corporationId: number; storeId: number };
  primaryRegisterId: number;
}

/** A migrated database with the demo tenants; the benches use Dragon Cards Umeda (no staff codes). */
export async function openBenchStore(url: string): Promise<BenchStore> {
  const handle = openDatabase(url);
  const db = handle.db;
  await migrateToLatest(db);
  await seedDemo(db, [tenancySeed]);
  const store = await db
    .selectFrom('store')
    .select(['id', 'corporation_id'])
    .where('code', '=', 'umeda')
    .executeTakeFirstOrThrow();
  const storeId = Number(store.id);
  const register = await db
    .selectFrom('register')
    .select('id')
    .where('primary_of_store_id', '=', storeId)
    .executeTakeFirstOrThrow();
  return {
    handle,
    scope: { corporationId: Number(store.corporation_id), storeId },
    primaryRegisterId: Number(register.id),
  };
}
