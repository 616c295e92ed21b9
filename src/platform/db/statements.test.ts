import { describe, expect, it } from 'vitest';
import { testDialects, useTestDb } from '../../../test/support/db.ts';
import { toDbTime } from '../../kernel/time.ts';
import '../bus/tables.ts';
import {
  alongside,
  cachedQuery,
  cachedQueryAnsweredLater,
  consecutiveIdStep,
  deferredQuery,
  insertRow,
  insertRowAnsweredLater,
  insertRows,
} from './statements.ts';
import { withTransaction } from './transaction.ts';

const at = toDbTime(new Date());
const event = (id: string) => ({
  event_id: id,
  type: 'test.statements',
  topic: 'test',
  ordering_key: 'k',
  body: '{}',
  created_at: at,
  sent_at: null,
});

describe.each(testDialects())('hot-path statements on %s', (dialect) => {
  const t = useTestDb(dialect);

  it('inserts rows with quoted names (`key` is reserved on MySQL) and answers a new id', async () => {
    await insertRows(t.db, 'system_state', [
      { key: 'stmt-a', value: '1', updated_at: at },
      { key: 'stmt-b', value: '2', updated_at: at },
    ]);
    const rows = await t.db
      .selectFrom('system_state')
      .select(['key', 'value'])
      .where('key', 'like', 'stmt-%')
      .orderBy('key')
      .execute();
    expect(rows).toEqual([
      { key: 'stmt-a', value: '1' },
      { key: 'stmt-b', value: '2' },
    ]);
    const id = await insertRow(t.db, 'outbox', event('stmt-1'));
    const row = await t.db.selectFrom('outbox').select('event_id').where('id', '=', id).executeTakeFirst();
    expect(row?.event_id).toBe('stmt-1');
  });

  it('refuses rows that name different columns or leave one undefined, and writes none of them', async () => {
    await expect(
      insertRows(t.db, 'outbox', [event('stmt-x'), { ...event('stmt-y'), extra: 1 } as never]),
    ).rejects.toThrow('rows name different columns');
    await expect(
      insertRows(t.db, 'outbox', [event('stmt-x'), { ...event('stmt-y'), sent_at: undefined } as never]),
    ).rejects.toThrow('sent_at is undefined');
    const rows = await t.db
      .selectFrom('outbox')
      .select('id')
      .where('event_id', 'in', ['stmt-x', 'stmt-y'])
      .execute();
    expect(rows).toEqual([]);
  });

  it('answers the new ids in row order where RETURNING exists (SQLite), and refuses it elsewhere', async () => {
    const insert = () =>
      insertRows(t.db, 'outbox', [event('stmt-r1'), event('stmt-r2')], { returningIds: true });
    if (dialect !== 'sqlite') return void (await expect(insert()).rejects.toThrow('SQLite only'));
    const ids = (await insert()).rows.map((r) => Number(r.id));
    const stored = await t.db
      .selectFrom('outbox')
      .select(['id', 'event_id'])
      .where('event_id', 'in', ['stmt-r1', 'stmt-r2'])
      .orderBy('id')
      .execute();
    expect(stored.map((r) => [Number(r.id), r.event_id])).toEqual([
      [ids[0], 'stmt-r1'],
      [ids[1], 'stmt-r2'],
    ]);
  });

  it('builds a cached query once and binds each call its own values', async () => {
    await insertRows(t.db, 'system_state', [
      { key: 'cq-1', value: 'one', updated_at: at },
      { key: 'cq-2', value: 'two', updated_at: at },
    ]);
    let builds = 0;
    const read = (key: string) =>
      cachedQuery(t.db, 'test.readState', [key], () => {
        builds++;
        return t.db.selectFrom('system_state').select('value').where('key', '=', key);
      });
    expect((await read('cq-1')).rows).toEqual([{ value: 'one' }]);
    expect((await read('cq-2')).rows).toEqual([{ value: 'two' }]);
    expect(builds).toBe(1);
    // Inside a transaction too, and an UPDATE answers its affected rows.
    const updated = await withTransaction(t.db, (tx) =>
      cachedQuery(tx, 'test.setState', ['three', 'cq-2'], () =>
        tx.updateTable('system_state').set({ value: 'three' }).where('key', '=', 'cq-2'),
      ),
    );
    expect(Number(updated.numAffectedRows)).toBe(1);
    expect((await read('cq-2')).rows).toEqual([{ value: 'three' }]);
  });

  it('fails the first call of a query whose parameters are not in the order of its SQL', async () => {
    await expect(
      cachedQuery(t.db, 'test.swapped', ['b', 'a'], () =>
        t.db.selectFrom('system_state').select('value').where('key', '=', 'a').where('value', '=', 'b'),
      ),
    ).rejects.toThrow('the parameters given (b, a) are not the query');
  });

  it('derives the ids of concurrent multi-row inserts from the first where MySQL promises them consecutive', async () => {
    if (dialect !== 'mysql') return;
    const step = await consecutiveIdStep(t.db);
    if (step === null) return; // interleaved auto-increment: ids are read back instead
    const batches = await Promise.all(
      Array.from({ length: 8 }, (_, b) =>
        withTransaction(t.db, async (tx) => {
          const rows = Array.from({ length: 5 }, (_, i) => event(`consecutive-${b}-${i}`));
          const first = Number((await insertRows(tx, 'outbox', rows)).insertId);
          return rows.map((r, i) => [r.event_id, first + i * step] as const);
        }),
      ),
    );
    const stored = await t.db
      .selectFrom('outbox')
      .select(['id', 'event_id'])
      .where('event_id', 'like', 'consecutive-%')
      .execute();
    expect(new Map(stored.map((r) => [r.event_id, Number(r.id)]))).toEqual(new Map(batches.flat()));
  });

  it('runs a deferred write before the next statement of its transaction reads', async () => {
    const seen = await withTransaction(t.db, async (tx) => {
      await insertRows(tx, 'system_state', [{ key: 'deferred-1', value: 'a', updated_at: at }], {
        deferred: true,
      });
      await deferredQuery(tx, 'test.deferredSet', ['b', 'deferred-1'], () =>
        tx.updateTable('system_state').set({ value: 'b' }).where('key', '=', 'deferred-1'),
      );
      return tx.selectFrom('system_state').select('value').where('key', '=', 'deferred-1').execute();
    });
    expect(seen).toEqual([{ value: 'b' }]);
  });

  it('fails the unit of work when a deferred write fails, even one sent with the COMMIT, and keeps nothing of it', async () => {
    await insertRow(t.db, 'outbox', event('deferred-dup'));
    await expect(
      withTransaction(t.db, async (tx) => {
        await insertRows(tx, 'system_state', [{ key: 'deferred-lost', value: 'x', updated_at: at }]);
        // The same event id again: the unique key refuses it when it reaches the server.
        await insertRows(tx, 'outbox', [event('deferred-dup')], { deferred: true });
      }),
    ).rejects.toThrow(/Duplicate|UNIQUE/);
    const left = await t.db
      .selectFrom('system_state')
      .select('key')
      .where('key', '=', 'deferred-lost')
      .execute();
    expect(left).toEqual([]);
    // The connection is clean afterwards: the next transaction commits normally.
    await withTransaction(t.db, (tx) =>
      insertRows(tx, 'system_state', [{ key: 'deferred-after', value: 'y', updated_at: at }], {
        deferred: true,
      }),
    );
    const after = await t.db
      .selectFrom('system_state')
      .select('value')
      .where('key', '=', 'deferred-after')
      .execute();
    expect(after).toEqual([{ value: 'y' }]);
  });

  it('sends a deferred write at once outside a transaction', async () => {
    await insertRows(t.db, 'system_state', [{ key: 'deferred-auto', value: 'z', updated_at: at }], {
      deferred: true,
    });
    const row = await t.db
      .selectFrom('system_state')
      .select('value')
      .where('key', '=', 'deferred-auto')
      .execute();
    expect(row).toEqual([{ value: 'z' }]);
  });

  it('rolls back a unit that fails before its first statement reached the server', async () => {
    await expect(
      withTransaction(t.db, async () => {
        throw new Error('before any statement');
      }),
    ).rejects.toThrow('before any statement');
    // Its connection went back to the pool clean: the next units on it work.
    for (let i = 0; i < 3; i++)
      await withTransaction(t.db, (tx) =>
        insertRows(tx, 'system_state', [{ key: `after-failed-${i}`, value: 'ok', updated_at: at }]),
      );
    const rows = await t.db
      .selectFrom('system_state')
      .select('key')
      .where('key', 'like', 'after-failed-%')
      .execute();
    expect(rows).toHaveLength(3);
  });

  it('answers a statement answered later with the next one, or alone when none follows', async () => {
    await insertRows(t.db, 'system_state', [{ key: 'later-1', value: 'one', updated_at: at }]);
    const read = (tx: typeof t.db) =>
      cachedQueryAnsweredLater(tx, 'test.laterRead', ['later-1'], () =>
        tx.selectFrom('system_state').select('value').where('key', '=', 'later-1'),
      );
    const got = await withTransaction(t.db, async (tx) => {
      // Both held (with BEGIN) until the select is sent, which sees the insert before it.
      const first = read(tx);
      const id = insertRowAnsweredLater(tx, 'outbox', event('later-e1'));
      const rows = await tx
        .selectFrom('outbox')
        .select(['id', 'event_id'])
        .where('event_id', '=', 'later-e1')
        .execute();
      const newId = await id;
      const stored = rows.map((r) => ({ event_id: r.event_id, sameId: Number(r.id) === newId }));
      // Nothing held before it and nothing after: it goes alone on the next turn.
      const alone = await read(tx);
      return { first: (await first).rows, stored, alone: alone.rows };
    });
    expect(got).toEqual({
      first: [{ value: 'one' }],
      stored: [{ event_id: 'later-e1', sameId: true }],
      alone: [{ value: 'one' }],
    });
  });

  it('fails a unit whose statement answered later fails, with that error, and keeps nothing of it', async () => {
    await insertRow(t.db, 'outbox', event('later-dup'));
    await expect(
      withTransaction(t.db, async (tx) => {
        await insertRows(tx, 'system_state', [{ key: 'later-lost', value: 'x', updated_at: at }]);
        const dup = insertRowAnsweredLater(tx, 'outbox', event('later-dup'));
        await tx.selectFrom('system_state').select('key').execute();
        await dup;
      }),
    ).rejects.toThrow(/Duplicate|UNIQUE/);
    const left = await t.db
      .selectFrom('system_state')
      .select('key')
      .where('key', '=', 'later-lost')
      .execute();
    expect(left).toEqual([]);
  });

  it('ends a failed unit only once the work issued ahead of it has, so none of that work lands', async () => {
    const ahead = async (tx: Parameters<Parameters<typeof withTransaction>[1]>[0]) => {
      // Like a drawer's movement: a write, then more once its answer is back.
      await insertRowAnsweredLater(tx, 'outbox', event('ahead-1'));
      await insertRow(tx, 'outbox', event('ahead-2'));
    };
    await expect(
      withTransaction(t.db, (tx) =>
        alongside(ahead(tx), async () => {
          throw new Error('the rest failed');
        }),
      ),
    ).rejects.toThrow('the rest failed');
    // The same with the work ahead failing while the rest succeeds: its error is the unit's.
    await expect(
      withTransaction(t.db, (tx) =>
        alongside(Promise.reject(new Error('ahead failed')), () => insertRow(tx, 'outbox', event('ahead-3'))),
      ),
    ).rejects.toThrow('ahead failed');
    // A unit after them commits, and nothing of the failed ones came with it.
    await withTransaction(t.db, (tx) => insertRow(tx, 'outbox', event('ahead-next')));
    const rows = await t.db
      .selectFrom('outbox')
      .select('event_id')
      .where('event_id', 'like', 'ahead-%')
      .execute();
    expect(rows.map((r) => r.event_id)).toEqual(['ahead-next']);
  });
});
