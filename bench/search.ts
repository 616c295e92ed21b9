/**
 * Catalogue search benchmark: `npm run bench:search -- --items 200000 [--queries 400] [--db sqlite:bench/data/search.db]`.
 * Seeds (or reuses) a catalogue of that many items in one store, runs a mix of clerk-like queries
 * (katakana name parts, hiragana readings, card numbers, expansion + rarity) through the same
 * search function the API uses, and writes bench/results/search.json. The last line printed is the JSON.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { openDatabase } from '../src/platform/db/connect.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { withTransaction } from '../src/platform/db/transaction.ts';
import { seedDemo } from '../src/modules/demo/seed.ts';
import { tenancySeed } from '../src/modules/tenancy/seed.ts';
import { createCategory, createGenre } from '../src/modules/catalog/commands.ts';
import { bulkInsertItems, demoCards } from '../src/modules/catalog/demo-catalog.ts';
import { searchItems } from '../src/modules/catalog/queries.ts';

const { values } = parseArgs({
  options: {
    items: { type: 'string', default: '200000' },
    queries: { type: 'string', default: '400' },
    db: { type: 'string', default: 'sqlite:bench/data/search.db' },
  },
});
const items = Number(values.items);
const queryCount = Number(values.queries);
if (!Number.isInteger(items) || items < 1 || !Number.isInteger(queryCount) || queryCount < 1)
  throw new Error('--items and --queries are positive integers');

const handle = openDatabase(values.db!);
const db = handle.db;
await migrateToLatest(db);
await seedDemo(db, [tenancySeed]);
const store = await db
  .selectFrom('store')
  .select(['id', 'corporation_id'])
  .orderBy('id')
  .executeTakeFirstOrThrow();
const scope = { corporationId: Number(store.corporation_id), storeId: Number(store.id) };

const have = Number(
  (
    await db
      .selectFrom('item')
      .select((e) => e.fn.countAll().as('n'))
      .where('store_id', '=', scope.storeId)
      .executeTakeFirstOrThrow()
  ).n,
);
if (have < items) {
  const refs = await withTransaction(db, async (tx) => {
    const g = await tx
      .selectFrom('genre')
      .select('id')
      .where('store_id', '=', scope.storeId)
      .where('name', '=', 'bench')
      .executeTakeFirst();
    const c = await tx
      .selectFrom('category')
      .select('id')
      .where('store_id', '=', scope.storeId)
      .where('name', '=', 'bench')
      .executeTakeFirst();
    return {
      genreId: g ? Number(g.id) : await createGenre(tx, scope, { name: 'bench', sortOrder: 99 }),
      categoryId: c
        ? Number(c.id)
        : await createCategory(tx, scope, {
            name: 'bench',
            kind: 'single',
            conditions: [
              { name: 'A', sell: { kind: 'percent', value: 10000 }, buy: { kind: 'percent', value: 10000 } },
            ],
          }),
    };
  });
  const cards = demoCards(items - have, 'pokemon', 7 + have);
  const started = Date.now();
  for (let i = 0; i < cards.length; i += 5000) {
    await withTransaction(db, (tx) => bulkInsertItems(tx, scope, refs, cards.slice(i, i + 5000)));
    process.stderr.write(`\rseeded ${have + Math.min(i + 5000, cards.length)} / ${items} items`);
  }
  process.stderr.write(` in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
}
// Planner statistics for the token table (SQLite's ANALYZE; MySQL keeps its own).
if (handle.dialect === 'sqlite') await sql`analyze`.execute(db);

// Queries drawn from the catalogue itself, the way a clerk types them.
const sample = await db
  .selectFrom('item')
  .select(['name', 'reading', 'card_number', 'expansion', 'rarity'])
  .where('store_id', '=', scope.storeId)
  .orderBy('id')
  .limit(2000)
  .execute();
let s = 12345;
const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
const queries: string[] = [];
for (let i = 0; i < queryCount; i++) {
  const it = sample[Math.floor(rnd() * sample.length)]!;
  const kind = i % 4;
  const part = (t: string, min: number) => {
    const chars = [...t];
    const len = Math.min(chars.length, min + Math.floor(rnd() * 3));
    const start = Math.floor(rnd() * (chars.length - len + 1));
    return chars.slice(start, start + len).join('');
  };
  queries.push(
    kind === 0
      ? part(it.name, 2)
      : kind === 1
        ? part(it.reading, 3)
        : kind === 2
          ? it.card_number
          : `${it.expansion} ${it.rarity}`,
  );
}

for (const q of queries.slice(0, 20)) await searchItems(db, scope.storeId, { q, limit: 50 }); // warm-up
const times: number[] = [];
for (const q of queries) {
  const t0 = process.hrtime.bigint();
  await searchItems(db, scope.storeId, { q, limit: 50 });
  times.push(Number(process.hrtime.bigint() - t0) / 1e6);
}
times.sort((a, b) => a - b);
const pct = (p: number) =>
  Math.round(times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))]! * 100) / 100;
const total = Number(
  (
    await db
      .selectFrom('item')
      .select((e) => e.fn.countAll().as('n'))
      .where('store_id', '=', scope.storeId)
      .executeTakeFirstOrThrow()
  ).n,
);
const result = { items: total, queries: times.length, p50Ms: pct(50), p95Ms: pct(95) };
await handle.close();
fs.mkdirSync(path.join('bench', 'results'), { recursive: true });
fs.writeFileSync(
  path.join('bench', 'results', 'search.json'),
  JSON.stringify({ ...result, dialect: handle.dialect, at: new Date().toISOString() }, null, 2) + '\n',
);
process.stdout.write(JSON.stringify(result) + '\n');
