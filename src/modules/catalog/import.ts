import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { ValidationError } from '../../kernel/errors.ts';
import type { Tx } from '../../platform/db/transaction.ts';
import { createTask, defineTaskKind } from '../tasks/index.ts';
import { createItem, updateItem } from './commands.ts';
import type { CatalogScope } from './products.ts';
import { itemInput, itemPatch } from './schemas.ts';
import './tables.ts';

/**
 * Item CSV import as a task (worker-item): the file is parsed up front (a malformed file is a 400),
 * then each row is one task item — created, or updated when an item with the same item code (or,
 * without a code, the same JAN) exists. A bad row fails alone and is listed as "line N: reason".
 */
export const importColumns = [
  'code',
  'jan',
  'genre',
  'category',
  'name',
  'reading',
  'expansion',
  'cardNumber',
  'rarity',
  'baseSellPrice',
  'baseBuyPrice',
  'status',
] as const;

const row = z.record(z.string(), z.string());
export const importKind = defineTaskKind({
  kind: 'catalog.item_import',
  item: z.object({ line: z.number().int().positive(), row }),
  refOf: (item) => `line ${item.line}`,
  async process(tx, item, scope) {
    if (scope.storeId === null)
      throw new ValidationError([{ field: 'storeId', message: 'import is per store' }]);
    await importRow(tx, { corporationId: scope.corporationId, storeId: scope.storeId }, item.row);
  },
});

const blank = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim());
const money = (v: string | undefined) =>
  blank(v) === undefined ? undefined : Number(v!.replace(/[,¥\s]/g, ''));

function describe(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.join('.') || 'row'}: ${i.message}`).join('; ');
}

async function importRow(tx: Tx, scope: CatalogScope, r: Record<string, string>): Promise<void> {
  const code = blank(r.code) ?? null;
  const jan = blank(r.jan) ?? null;
  let existing: { id: number } | undefined;
  if (code)
    existing = await tx
      .selectFrom('item')
      .select('id')
      .where('store_id', '=', scope.storeId)
      .where('code', '=', code)
      .executeTakeFirst();
  else if (jan) {
    const matches = await tx
      .selectFrom('item')
      .select('id')
      .where('store_id', '=', scope.storeId)
      .where('jan', '=', jan)
      .limit(2)
      .execute();
    if (matches.length > 1)
      throw new ValidationError([
        { field: 'jan', message: 'several items have this JAN; give the item code' },
      ]);
    existing = matches[0];
  }
  const fields = {
    code,
    jan,
    name: blank(r.name),
    reading: blank(r.reading),
    expansion: blank(r.expansion),
    cardNumber: blank(r.cardNumber),
    rarity: blank(r.rarity),
    baseSellPrice: money(r.baseSellPrice),
    baseBuyPrice: money(r.baseBuyPrice),
    status: blank(r.status),
  };
  if (existing) {
    const patch = itemPatch.safeParse(
      Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined && v !== null)),
    );
    if (!patch.success)
      throw new ValidationError([{ field: 'row', message: describe(patch.error) }], describe(patch.error));
    await updateItem(tx, scope, Number(existing.id), patch.data);
    return;
  }
  const genre = await tx
    .selectFrom('genre')
    .select('id')
    .where('store_id', '=', scope.storeId)
    .where('name', '=', blank(r.genre) ?? '')
    .executeTakeFirst();
  const category = await tx
    .selectFrom('category')
    .select('id')
    .where('store_id', '=', scope.storeId)
    .where('name', '=', blank(r.category) ?? '')
    .executeTakeFirst();
  if (!genre)
    throw new ValidationError(
      [{ field: 'genre', message: `genre "${r.genre ?? ''}" does not exist` }],
      `genre "${r.genre ?? ''}" does not exist`,
    );
  if (!category)
    throw new ValidationError(
      [{ field: 'category', message: `category "${r.category ?? ''}" does not exist` }],
      `category "${r.category ?? ''}" does not exist`,
    );
  const input = itemInput.safeParse({
    ...fields,
    genreId: Number(genre.id),
    categoryId: Number(category.id),
  });
  if (!input.success)
    throw new ValidationError([{ field: 'row', message: describe(input.error) }], describe(input.error));
  await createItem(tx, scope, input.data);
}

/** Parses the CSV (header row required, UTF-8, BOM tolerated) and starts the import task. */
export async function startItemImport(
  tx: Tx,
  scope: CatalogScope,
  csv: string,
): Promise<{ taskId: number; rows: number }> {
  let records: string[][];
  try {
    records = parse(csv, { bom: true, skip_empty_lines: true, relax_column_count: true });
  } catch (err) {
    throw new ValidationError(
      [{ field: 'csv', message: (err as Error).message, code: 'malformed' }],
      'The CSV file cannot be read.',
    );
  }
  const [header, ...rows] = records;
  const known = new Set<string>(importColumns);
  const columns = (header ?? []).map((h) => h.trim());
  const unknown = columns.filter((c) => !known.has(c));
  if (!header || unknown.length > 0 || !columns.includes('name'))
    throw new ValidationError([
      {
        field: 'csv',
        message: `the first line names the columns (${importColumns.join(', ')}); unknown: ${unknown.join(', ') || 'none'}`,
        code: 'header',
      },
    ]);
  if (rows.length === 0)
    throw new ValidationError([{ field: 'csv', message: 'no rows after the header', code: 'empty' }]);
  const items = rows.map((cells, i) => ({
    line: i + 2,
    row: Object.fromEntries(columns.map((c, k) => [c, cells[k] ?? ''])),
  }));
  const taskId = await createTask(tx, scope, { kind: importKind.kind, items, chunkSize: 100 });
  return { taskId, rows: items.length };
}
