import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { z } from 'zod';
import { defineEvent } from '../bus/events.ts';
import { publish } from '../bus/outbox.ts';
import { describe, expect, it } from 'vitest';
import { testDialects, useTestDb } from '../../../test/support/db.ts';
import { fromDbTime, toDbTime } from '../../kernel/time.ts';
import { migrateToLatest, migrationStatus } from './migrate.ts';
import { openDatabase, withStatementCache } from './connect.ts';
import { isRetryable, onBeforeCommit, withTransaction, type Tx } from './transaction.ts';

// An event of this test's own, to see what reaches the outbox.
const unitEvent = defineEvent('dbtest.unit', 1, z.object({}));
const tick = (key: string) => unitEvent.build({ corporationId: null, storeId: null, key, data: {} });

describe.each(testDialects())('database on %s', (dialect) => {
  const t = useTestDb(dialect, { migrate: false });

  it('applies every migration to an empty database, then has nothing pending', async () => {
    const before = await migrationStatus(t.db);
    expect(before.applied).toEqual([]);
    expect(before.pending[0]).toBe('0001_platform');
    const applied = await migrateToLatest(t.db);
    expect(applied).toEqual(before.pending);
    expect(await migrationStatus(t.db)).toEqual({ applied, pending: [] });
    expect(await migrateToLatest(t.db)).toEqual([]);
  });

  it('commits all writes of a unit of work together', async () => {
    await withTransaction(t.db, async (tx) => {
      await tx
        .insertInto('system_state')
        .values({ key: 'a', value: '1', updated_at: toDbTime(new Date()) })
        .execute();
      await tx
        .insertInto('system_state')
        .values({ key: 'b', value: '2', updated_at: toDbTime(new Date()) })
        .execute();
    });
    const rows = await t.db.selectFrom('system_state').select('key').where('key', 'in', ['a', 'b']).execute();
    expect(rows.map((r) => r.key).sort()).toEqual(['a', 'b']);
  });

  it('applies nothing of a unit of work that throws half-way', async () => {
    await expect(
      withTransaction(t.db, async (tx) => {
        await tx
          .insertInto('system_state')
          .values({ key: 'half', value: '1', updated_at: toDbTime(new Date()) })
          .execute();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const row = await t.db
      .selectFrom('system_state')
      .select('key')
      .where('key', '=', 'half')
      .executeTakeFirst();
    expect(row).toBeUndefined();
  });

  it('refuses the statements of a unit of work that has ended: work it left running writes nothing', async () => {
    const leave = (tx: Tx, key: string) => {
      // Work nobody awaits (a bug): it writes after the unit has ended.
      const left = (async () => {
        await new Promise((r) => setTimeout(r, 30));
        await tx
          .insertInto('system_state')
          .values({ key, value: 'x', updated_at: toDbTime(new Date()) })
          .execute();
      })();
      left.catch(() => undefined);
      return left;
    };
    let afterFailure!: Promise<unknown>;
    let afterSuccess!: Promise<unknown>;
    await expect(
      withTransaction(t.db, async (tx) => {
        afterFailure = leave(tx, 'left-by-failed');
        throw new Error('the unit failed');
      }),
    ).rejects.toThrow('the unit failed');
    await withTransaction(t.db, async (tx) => {
      afterSuccess = leave(tx, 'left-by-committed');
    });
    await expect(afterFailure).rejects.toThrow(/ended|rolled back/);
    await expect(afterSuccess).rejects.toThrow(/ended|committed/);
    // A later unit commits, and nothing left by the two came with it.
    await withTransaction(t.db, (tx) =>
      tx
        .insertInto('system_state')
        .values({ key: 'left-next', value: 'x', updated_at: toDbTime(new Date()) })
        .execute(),
    );
    const rows = await t.db.selectFrom('system_state').select('key').where('key', 'like', 'left-%').execute();
    expect(rows.map((r) => r.key)).toEqual(['left-next']);
  });

  it('keeps units of work that run at the same moment apart: each commits or rolls back alone', async () => {
    const at = toDbTime(new Date());
    const put = (tx: Tx, key: string) =>
      tx.insertInto('system_state').values({ key, value: '1', updated_at: at }).execute();
    // A third fail in their work, a third in their before-commit step, a third succeed; on SQLite
    // they share commits (commit-group.ts), and still none may see or keep another's failure.
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) =>
        withTransaction(t.db, async (tx) => {
          await put(tx, `g-${i}`);
          expect(
            onBeforeCommit(tx, async () => {
              await put(tx, `h-${i}`);
              if (i % 3 === 2) throw new Error(`hook ${i}`);
            }),
          ).toBe(true);
          if (i % 3 === 1) throw new Error(`work ${i}`);
          return i;
        }),
      ),
    );
    results.forEach((r, i) => {
      if (i % 3 === 0) expect(r).toEqual({ status: 'fulfilled', value: i });
      else
        expect(r).toMatchObject({
          status: 'rejected',
          reason: { message: `${i % 3 === 1 ? 'work' : 'hook'} ${i}` },
        });
    });
    const keys = await t.db
      .selectFrom('system_state')
      .select('key')
      .where((e) => e.or([e('key', 'like', 'g-%'), e('key', 'like', 'h-%')]))
      .execute();
    const expected = results.flatMap((_, i) => (i % 3 === 0 ? [`g-${i}`, `h-${i}`] : []));
    expect(keys.map((k) => k.key).sort()).toEqual(expected.sort());
  });

  it("writes the events of each committed unit, none of a failed one's, when units share a commit", async () => {
    const ticks = Array.from({ length: 12 }, (_, i) => i);
    const results = await Promise.allSettled(
      ticks.map((i) =>
        withTransaction(t.db, async (tx) => {
          await publish(tx, tick(`unit-${i}`));
          // Every other unit fails after publishing: its event must vanish, and the next unit's not.
          if (i % 2 === 1) throw new Error(`unit ${i}`);
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(ticks.map((i) => (i % 2 ? 'rejected' : 'fulfilled')));
    const keys = await t.db
      .selectFrom('outbox')
      .select('ordering_key')
      .where('ordering_key', 'like', 'unit-%')
      .execute();
    expect(keys.map((k) => k.ordering_key).sort()).toEqual(
      ticks
        .filter((i) => i % 2 === 0)
        .map((i) => `unit-${i}`)
        .sort(),
    );
  });

  it('stores UTC times with milliseconds and reads them back unchanged', async () => {
    const at = new Date('2026-03-31T15:04:05.678Z');
    await t.db
      .insertInto('system_state')
      .values({ key: 'time', value: '', updated_at: toDbTime(at) })
      .execute();
    const row = await t.db
      .selectFrom('system_state')
      .select('updated_at')
      .where('key', '=', 'time')
      .executeTakeFirstOrThrow();
    expect(row.updated_at).toBe('2026-03-31 15:04:05.678');
    expect(fromDbTime(row.updated_at).toISOString()).toBe(at.toISOString());
  });

  it('stores and compares Japanese text exactly', async () => {
    await t.db
      .insertInto('system_state')
      .values({ key: 'ja', value: 'ピカチュウ ex（SAR）🃏', updated_at: toDbTime(new Date()) })
      .execute();
    const row = await t.db
      .selectFrom('system_state')
      .select('value')
      .where('key', '=', 'ja')
      .executeTakeFirstOrThrow();
    expect(row.value).toBe('ピカチュウ ex（SAR）🃏');
    const { rows } = await sql<{
      n: number;
    }>`select count(*) as n from system_state where value = ${'ピカチュウ ex（SAR）🃏'}`.execute(t.db);
    expect(Number(rows[0]?.n)).toBe(1);
  });
});

describe('isRetryable', () => {
  it('retries deadlocks, lock timeouts and a busy SQLite, nothing else', () => {
    expect(isRetryable({ errno: 1213 })).toBe(true);
    expect(isRetryable({ errno: 1205 })).toBe(true);
    expect(isRetryable({ code: 'SQLITE_BUSY' })).toBe(true);
    expect(isRetryable({ code: 'SQLITE_BUSY_SNAPSHOT' })).toBe(true);
    expect(isRetryable({ errno: 1062 })).toBe(false);
    expect(isRetryable(new Error('x'))).toBe(false);
  });
});

describe('SQLite background checkpoints', () => {
  it('copies committed pages into the database file from a worker thread, not at the commit', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'regi-ckpt-'));
    const file = path.join(dir, 'ckpt.db');
    const sizes = () => [fs.statSync(file).size, fs.statSync(`${file}-wal`).size];
    for (const background of [false, true]) {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.mkdirSync(dir);
      const handle = openDatabase(`sqlite:${file}`, { backgroundCheckpoint: background });
      await sql`create table blob_row (id integer primary key, body text)`.execute(handle.db);
      const before = sizes()[0]!;
      // ~2 MB (~500 pages) in 40 commits.
      for (let i = 0; i < 40; i++)
        await withTransaction(handle.db, async (tx) => {
          for (let j = 0; j < 25; j++)
            await sql`insert into blob_row (body) values (${'x'.repeat(2000)})`.execute(tx);
        });
      const deadline = Date.now() + 3000;
      while (background && sizes()[0]! < before + 1_500_000 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      const [main] = sizes();
      // Fewer pages than even SQLite's own threshold (1,000): without the worker they stay in the WAL.
      if (background) expect(main).toBeGreaterThan(before + 1_500_000);
      else expect(main).toBe(before);
      await handle.close();
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('SQLite statement cache', () => {
  it('reuses a prepared statement for the same SQL and evicts the oldest beyond its size', () => {
    const conn = new SQLite(':memory:');
    const cached = withStatementCache(conn, 2);
    const a = cached.prepare('select 1');
    expect(cached.prepare('select 1')).toBe(a);
    const b = cached.prepare('select 2');
    cached.prepare('select 3'); // evicts "select 1", the oldest
    expect(cached.prepare('select 2')).toBe(b);
    const again = cached.prepare('select 1');
    expect(again).not.toBe(a);
    expect(again.all([])).toEqual([{ 1: 1 }]);
    cached.close();
  });
});
