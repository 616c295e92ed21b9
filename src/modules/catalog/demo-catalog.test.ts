import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { useTestDb } from '../../../test/support/db.ts';
import { seedDemo } from '../demo/seed.ts';
import { tenancySeed } from '../tenancy/seed.ts';
import { catalogSeedStep, demoCards } from './demo-catalog.ts';
import { searchItems } from './queries.ts';

describe('demo catalogue', () => {
  const t = useTestDb('sqlite');

  it('generates the same cards for the same seed', () => {
    expect(demoCards(5, 'pokemon', 3)).toEqual(demoCards(5, 'pokemon', 3));
    expect(demoCards(5, 'onepiece', 3)[0]!.cardNumber).toMatch(/^(OP|EB|ST)\d\d-\d{3}$/);
  });

  it('seeds two genres per store with priced products, searchable items and stock that matches its ledger', async () => {
    await seedDemo(t.db, [tenancySeed, catalogSeedStep(20, 5)]);
    const store = await t.db.selectFrom('store').select('id').orderBy('id').executeTakeFirstOrThrow();
    const storeId = Number(store.id);
    const genres = await t.db.selectFrom('genre').select('name').where('store_id', '=', storeId).execute();
    expect(genres).toHaveLength(2);
    expect(
      Number(
        (
          await t.db
            .selectFrom('item')
            .select((e) => e.fn.countAll().as('n'))
            .where('store_id', '=', storeId)
            .executeTakeFirstOrThrow()
        ).n,
      ),
    ).toBe(40);
    const unpriced = await t.db.selectFrom('product').select('id').where('sell_price', '=', 0).execute();
    expect(unpriced).toEqual([]);
    const item = await t.db
      .selectFrom('item')
      .select(['id', 'name'])
      .where('store_id', '=', storeId)
      .orderBy('id')
      .executeTakeFirstOrThrow();
    expect((await searchItems(t.db, storeId, { q: item.name, limit: 10 })).items.map((i) => i.id)).toContain(
      Number(item.id),
    );
    const drift = await sql<{ n: number }>`
      select count(*) as n from product p
      where p.stock <> (select coalesce(sum(l.quantity), 0) from stock_ledger l where l.product_id = p.id)`.execute(
      t.db,
    );
    expect(Number(drift.rows[0]!.n)).toBe(0);
    expect(
      Number(
        (
          await t.db
            .selectFrom('product')
            .select((e) => e.fn.sum<number>('stock').as('s'))
            .executeTakeFirstOrThrow()
        ).s,
      ),
    ).toBeGreaterThan(0);
  });
});
