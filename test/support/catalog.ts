import { loadConfig } from '../../src/platform/config/config.ts';
import type { Db } from '../../src/platform/db/connect.ts';
import { withTransaction } from '../../src/platform/db/transaction.ts';
import type { EventEnvelope } from '../../src/platform/bus/events.ts';
import type { EventHandler } from '../../src/platform/bus/handler.ts';
import { MemoryCache } from '../../src/platform/cache/memory.ts';
import { createLogger } from '../../src/platform/log/log.ts';
import { seedDemo } from '../../src/modules/demo/seed.ts';
import { tenancySeed } from '../../src/modules/tenancy/seed.ts';
import { createCategory, createGenre, createItem } from '../../src/modules/catalog/commands.ts';
import { itemInput } from '../../src/modules/catalog/schemas.ts';
import type { CatalogScope } from '../../src/modules/catalog/products.ts';
import '../../src/modules/catalog/tables.ts';

/** The demo corporations and stores (tenancy seed); returns each store's scope by code. */
export async function seedStores(db: Db): Promise<Record<string, CatalogScope & { ownerId: number }>> {
  await seedDemo(db, [tenancySeed]);
  const stores = await db.selectFrom('store').select(['id', 'code', 'corporation_id']).execute();
  const out: Record<string, CatalogScope & { ownerId: number }> = {};
  for (const s of stores) {
    const owner = await db
      .selectFrom('staff_account')
      .select('id')
      .where('corporation_id', '=', Number(s.corporation_id))
      .where('email', 'like', 'owner@%')
      .executeTakeFirstOrThrow();
    out[s.code] = {
      corporationId: Number(s.corporation_id),
      storeId: Number(s.id),
      ownerId: Number(owner.id),
    };
  }
  return out;
}

let n = 0;

/** A genre and a single-card category with conditions A (100%) and B (80% sell, 70% buy... of base). */
export async function seedCatalog(db: Db, scope: CatalogScope) {
  return withTransaction(db, async (tx) => {
    const genreId = await createGenre(tx, scope, { name: `Pokémon ${++n}`, sortOrder: 0 });
    const categoryId = await createCategory(tx, scope, {
      name: `Singles ${n}`,
      kind: 'single',
      conditions: [
        { name: 'A', sell: { kind: 'percent', value: 10_000 }, buy: { kind: 'percent', value: 10_000 } },
        { name: 'B', sell: { kind: 'percent', value: 8_000 }, buy: { kind: 'percent', value: 7_000 } },
      ],
    });
    return { genreId, categoryId };
  });
}

export async function seedItem(
  db: Db,
  scope: CatalogScope,
  refs: { genreId: number; categoryId: number },
  fields: Record<string, unknown> = {},
) {
  return withTransaction(db, (tx) =>
    createItem(
      tx,
      scope,
      itemInput.parse({ ...refs, name: `Card ${++n}`, baseSellPrice: 1000, baseBuyPrice: 500, ...fields }),
    ),
  );
}

export async function productsOfItem(db: Db, itemId: number) {
  return db.selectFrom('product').selectAll().where('item_id', '=', itemId).orderBy('id').execute();
}

/** Events written to the outbox of one type, oldest first (what the relay would send). */
export async function outboxEvents<T = Record<string, unknown>>(
  db: Db,
  type: string,
): Promise<EventEnvelope<T>[]> {
  const rows = await db.selectFrom('outbox').select('body').where('type', '=', type).orderBy('id').execute();
  return rows.map((r) => JSON.parse(r.body) as EventEnvelope<T>);
}

/** Runs a handler on an event in its own transaction, as the worker runtime would (without the inbox). */
export async function runHandler(db: Db, handler: EventHandler, event: EventEnvelope): Promise<void> {
  const after: (() => Promise<void>)[] = [];
  const cache = new MemoryCache();
  await withTransaction(db, (tx) =>
    handler.handle(tx, event, {
      log: createLogger({ level: 'silent' }),
      cache,
      config: loadConfig({}),
      afterCommit: (fn) => void after.push(fn),
    }),
  );
  for (const fn of after) await fn();
}
