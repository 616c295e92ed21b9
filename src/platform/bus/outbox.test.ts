import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { testDialects, useTestDb } from '../../../test/support/db.ts';
import { withTransaction } from '../db/transaction.ts';
import { defineEvent, type EventEnvelope } from './events.ts';
import { publish } from './outbox.ts';

const priced = defineEvent(
  'probe.priced',
  2,
  z.object({ productId: z.number().int(), price: z.number().int().min(0) }),
);

describe.each(testDialects())('outbox on %s', (dialect) => {
  const t = useTestDb(dialect);
  const count = async () => (await t.db.selectFrom('outbox').select('id').execute()).length;

  it('stores a valid event with its envelope, unsent', async () => {
    const e = priced.build({
      corporationId: 3,
      storeId: 4,
      key: 'product:9',
      data: { productId: 9, price: 1200 },
    });
    await withTransaction(t.db, (tx) => publish(tx, e));
    const row = await t.db
      .selectFrom('outbox')
      .selectAll()
      .where('event_id', '=', e.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      type: 'probe.priced',
      topic: 'probe',
      ordering_key: 'product:9',
      sent_at: null,
    });
    expect(JSON.parse(row.body)).toEqual(e);
    expect(e.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
  });

  it('refuses an undefined type, a wrong version or invalid data, and writes nothing', async () => {
    const before = await count();
    const good = priced.build({ corporationId: 1, storeId: 1, key: 'p', data: { productId: 1, price: 1 } });
    const bad: EventEnvelope[] = [
      { ...good, type: 'probe.unknown' },
      { ...good, version: 1 },
      { ...good, data: { productId: 1, price: -5 } },
      { ...good, key: '' },
    ];
    for (const e of bad) await expect(withTransaction(t.db, (tx) => publish(tx, e))).rejects.toThrow();
    expect(() =>
      priced.build({ corporationId: 1, storeId: 1, key: 'p', data: { productId: 1, price: -1 } }),
    ).toThrow();
    expect(await count()).toBe(before);
  });
});
