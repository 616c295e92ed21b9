import { beforeAll, describe, expect, it } from 'vitest';
import { outboxEvents, runHandler, seedCatalog, seedStores } from '../../../test/support/catalog.ts';
import { testDialects, useTestDb } from '../../../test/support/db.ts';
import { withTransaction } from '../../platform/db/transaction.ts';
import { stockCsv } from '../inventory/exports.ts';
import * as tasks from '../tasks/index.ts';
import { startItemImport } from './import.ts';
import type { CatalogScope } from './products.ts';

describe.each(testDialects())('item CSV import on %s', (dialect) => {
  const t = useTestDb(dialect);
  let store: CatalogScope;
  let genre: string;
  let category: string;

  beforeAll(async () => {
    store = (await seedStores(t.db)).akihabara!;
    const refs = await seedCatalog(t.db, store);
    genre = (
      await t.db.selectFrom('genre').select('name').where('id', '=', refs.genreId).executeTakeFirstOrThrow()
    ).name;
    category = (
      await t.db
        .selectFrom('category')
        .select('name')
        .where('id', '=', refs.categoryId)
        .executeTakeFirstOrThrow()
    ).name;
  });

  async function runTask(taskId: number) {
    const chunks = (await outboxEvents<{ taskId: number }>(t.db, 'tasks.chunk_ready')).filter(
      (e) => e.data.taskId === taskId,
    );
    for (const c of chunks) await runHandler(t.db, tasks.handlers.runChunk, c);
    return tasks.findTask(t.db, store, taskId);
  }

  it('imports the good rows and reports each bad one with its line number and reason', async () => {
    const csv = [
      'code,genre,category,name,cardNumber,baseSellPrice,baseBuyPrice',
      `IMP-1,${genre},${category},ピカチュウ,SV-001,"1,200",600`,
      `IMP-2,${genre},No such category,リザードン,SV-002,900,400`,
      `IMP-3,${genre},${category},,SV-003,900,400`,
      `IMP-4,${genre},${category},フシギダネ,SV-004,abc,100`,
      `IMP-5,${genre},${category},ゼニガメ,SV-005,500,200`,
    ].join('\n');
    const { taskId, rows } = await withTransaction(t.db, (tx) => startItemImport(tx, store, csv));
    expect(rows).toBe(5);
    const task = await runTask(taskId);
    expect(task).toMatchObject({ status: 'done', total: 5, processed: 2, failed: 3 });
    expect(task!.errors.map((e) => e.item)).toEqual(['line 3', 'line 4', 'line 5']);
    expect(task!.errors[0]!.message).toContain('No such category');
    const items = await t.db
      .selectFrom('item')
      .select(['code', 'base_sell_price'])
      .where('code', 'in', ['IMP-1', 'IMP-5'])
      .orderBy('code')
      .execute();
    expect(items.map((i) => [i.code, Number(i.base_sell_price)])).toEqual([
      ['IMP-1', 1200],
      ['IMP-5', 500],
    ]);
  });

  it('updates an existing item found by its code instead of creating a second one', async () => {
    const first = await withTransaction(t.db, (tx) =>
      startItemImport(
        tx,
        store,
        `code,genre,category,name,baseSellPrice,baseBuyPrice\nUPD-1,${genre},${category},Old,100,50\n`,
      ),
    );
    await runTask(first.taskId);
    const second = await withTransaction(t.db, (tx) =>
      startItemImport(tx, store, 'code,name,baseSellPrice\nUPD-1,New name,300\n'),
    );
    expect(await runTask(second.taskId)).toMatchObject({ status: 'done', processed: 1 });
    const rows = await t.db
      .selectFrom('item')
      .select(['name', 'base_sell_price'])
      .where('code', '=', 'UPD-1')
      .execute();
    expect(rows.map((r) => [r.name, Number(r.base_sell_price)])).toEqual([['New name', 300]]);
    expect(await stockCsv(t.db, store.storeId)).toContain('UPD-1');
  });

  it('refuses a file with an unknown column before starting a task', async () => {
    await expect(
      withTransaction(t.db, (tx) => startItemImport(tx, store, 'name,colour\nA,red\n')),
    ).rejects.toMatchObject({ status: 400 });
  });
});
