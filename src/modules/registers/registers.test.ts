import { exitCodeOf, runConsistency } from '../consistency/run.ts';
import { loadConfig } from '../../platform/config/config.ts';
import { createLogger } from '../../platform/log/log.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects, useTestDb } from '../../../test/support/db.ts';
import { StaffClient, startPos, testClock, testPlatform } from '../../../test/support/pos.ts';
import { toDbTime } from '../../kernel/time.ts';
import { withTransaction } from '../../platform/db/transaction.ts';
import type { App } from '../../platform/http/server.ts';
import { seedDemo } from '../demo/seed.ts';
import { DEMO_PASSWORD, tenancySeed } from '../tenancy/seed.ts';
import { storeInput } from '../tenancy/schemas.ts';
import { createStore } from '../tenancy/stores.ts';
import { countTotal, type CashCount } from './cash-count.ts';
import {
  assertRegisterOpen,
  cashLedgerCheck,
  findCashMismatches,
  recordCashMovement,
  registersRoutes,
  useSalesByMethod,
} from './index.ts';

const DAY = 24 * 3600 * 1000;

describe.each(testDialects())('registers and cash on %s', (dialect) => {
  const t = useTestDb(dialect);
  const clock = testClock();
  let app: App;
  let dragon: number;
  let hoshiRegister: number;
  let owner: StaffClient;
  let stores = 0;

  beforeAll(async () => {
    // These tests record sale cash directly; the sales module's payments source (plugged in when
    // anything imports sales) would find no payments, so the cash-ledger fallback is under test.
    useSalesByMethod(null);
    await seedDemo(t.db, [tenancySeed]);
    const corp = await t.db.selectFrom('corporation').select(['id', 'name']).execute();
    dragon = Number(corp.find((c) => c.name.startsWith('Dragon'))!.id);
    const hoshi = Number(corp.find((c) => c.name.startsWith('Hoshi'))!.id);
    hoshiRegister = Number(
      (
        await t.db
          .selectFrom('register')
          .select('id')
          .where('corporation_id', '=', hoshi)
          .executeTakeFirstOrThrow()
      ).id,
    );
    app = await startPos(testPlatform(t.handle), {
      clock,
      plugins: [registersRoutes({ clock: { now: () => new Date(clock.now()) } })],
    });
    owner = await new StaffClient(app).login('owner@dragon.example', DEMO_PASSWORD);
    expect((await owner.post('/api/v1/auth/session', { mode: 'admin' })).statusCode).toBe(200);
  });
  afterAll(() => app?.close());

  /** A fresh store of the Dragon corporation with a primary and a second register, clerk linked. */
  async function newStore() {
    const code = `t${++stores}`;
    return withTransaction(t.db, async (tx) => {
      const ownerId = Number(
        (
          await tx
            .selectFrom('staff_account')
            .select('id')
            .where('email', '=', 'owner@dragon.example')
            .executeTakeFirstOrThrow()
        ).id,
      );
      const clerkId = Number(
        (
          await tx
            .selectFrom('staff_account')
            .select('id')
            .where('email', '=', 'clerk@dragon.example')
            .executeTakeFirstOrThrow()
        ).id,
      );
      const storeId = await createStore(
        tx,
        { corporationId: dragon, accountId: ownerId, actingStaffId: ownerId },
        storeInput.parse({ code, name: `Test store ${code}`, address: 'Osaka' }),
      );
      const primary = Number(
        (
          await tx
            .selectFrom('register')
            .select('id')
            .where('store_id', '=', storeId)
            .executeTakeFirstOrThrow()
        ).id,
      );
      const r2 = await tx
        .insertInto('register')
        .values({
          corporation_id: dragon,
          store_id: storeId,
          name: 'Register 2',
          primary_of_store_id: null,
          archived_at: null,
          created_at: toDbTime(new Date()),
        })
        .executeTakeFirstOrThrow();
      await tx.insertInto('staff_store').values({ account_id: clerkId, store_id: storeId }).execute();
      const url = (reg: number) => `/api/v1/stores/${storeId}/registers/${reg}`;
      return {
        storeId,
        primary,
        second: Number(r2.insertId),
        url,
        ctx: { corporationId: dragon, storeId, actingStaffId: ownerId },
      };
    });
  }

  const open = (c: StaffClient, url: string, count: CashCount, key?: string) =>
    c.request({
      method: 'POST',
      url: `${url}/open`,
      payload: { count },
      headers: key ? { 'idempotency-key': key } : {},
    });
  const close = (c: StaffClient, url: string, count: CashCount, nextFloat: number, key?: string) =>
    c.request({
      method: 'POST',
      url: `${url}/close`,
      payload: { count, nextFloat },
      headers: key ? { 'idempotency-key': key } : {},
    });
  const move = (c: StaffClient, url: string, direction: 'in' | 'out', amount: number, key?: string) =>
    c.request({
      method: 'POST',
      url: `${url}/cash-movements`,
      payload: { direction, amount, reason: `test ${direction}` },
      headers: key ? { 'idempotency-key': key } : {},
    });

  async function ledger(registerId: number) {
    const rows = await t.db
      .selectFrom('cash_movement')
      .select(['seq', 'kind', 'amount', 'balance_after'])
      .where('register_id', '=', registerId)
      .orderBy('seq')
      .execute();
    return rows.map((r) => ({
      seq: Number(r.seq),
      kind: r.kind,
      amount: Number(r.amount),
      after: Number(r.balance_after),
    }));
  }

  /** The chain is exact: seq 1..n without gaps and every balance-after = previous + amount. */
  function expectExactChain(rows: Awaited<ReturnType<typeof ledger>>) {
    let balance = 0;
    rows.forEach((r, i) => {
      expect(r.seq).toBe(i + 1);
      balance += r.amount;
      expect(r.after).toBe(balance);
    });
    return balance;
  }

  it('opens, moves cash, checks and closes with figures equal to independently computed sums', async () => {
    const s = await newStore();
    const float: CashCount = { '5000': 2, '1000': 10, '500': 10, '100': 30, '10': 50, '1': 20 };
    const opened = await open(owner, s.url(s.primary), float);
    expect(opened.statusCode).toBe(201);
    expect(opened.json()).toMatchObject({ kind: 'open', expected: 0, counted: 28_520, difference: 28_520 });

    const sales = [1_980, 12_000, 350, 7_777];
    await withTransaction(t.db, async (tx) => {
      await assertRegisterOpen(tx, s.ctx, s.primary);
      for (const [i, amount] of sales.entries())
        await recordCashMovement(tx, s.ctx, {
          registerId: s.primary,
          kind: 'sale',
          amount,
          sourceKind: 'sale',
          sourceId: i + 1,
        });
      await recordCashMovement(tx, s.ctx, {
        registerId: s.primary,
        kind: 'sale_refund',
        amount: -350,
        sourceKind: 'return',
        sourceId: 9,
      });
    });
    expect((await move(owner, s.url(s.primary), 'in', 10_000)).statusCode).toBe(201);
    expect((await move(owner, s.url(s.primary), 'out', 3_000)).statusCode).toBe(201);

    const expected = 28_520 + sales.reduce((a, b) => a + b, 0) - 350 + 10_000 - 3_000;
    const state = (await owner.get(`${s.url(s.primary)}/state`)).json();
    expect(state).toMatchObject({ status: 'open', expectedCash: expected, store: { status: 'open' } });

    // Middle check: the drawer holds exactly the expected cash.
    const exact: CashCount = { '10000': Math.floor(expected / 10_000), '1': expected % 10_000 };
    const middle = await owner.post(`${s.url(s.primary)}/middle-check`, { count: exact });
    expect(middle.statusCode).toBe(201);
    expect(middle.json()).toMatchObject({ kind: 'middle', expected, counted: expected, difference: 0 });

    // Close three yen short, keeping a ¥30,000 float.
    const short: CashCount = { ...exact, '1': (exact['1'] ?? 0) - 3 };
    const closed = await close(owner, s.url(s.primary), short, 30_000);
    expect(closed.statusCode).toBe(201);
    const c = closed.json();
    expect(c).toMatchObject({
      kind: 'close',
      expected,
      counted: expected - 3,
      difference: -3,
      nextFloat: 30_000,
    });
    expect(c.figures).toMatchObject({
      openingCash: 28_520,
      cashSales: sales.reduce((a, b) => a + b, 0),
      cashSaleRefunds: 350,
      cashIn: 10_000,
      cashOut: 3_000,
      expected,
      movements: 7,
      salesByMethod: [
        { kind: 'sale', method: 'cash', total: sales.reduce((a, b) => a + b, 0) },
        { kind: 'sale_refund', method: 'cash', total: 350 },
      ],
    });

    const rows = await ledger(s.primary);
    expect(rows.map((r) => r.kind)).toEqual([
      'open_adjust',
      'sale',
      'sale',
      'sale',
      'sale',
      'sale_refund',
      'cash_in',
      'cash_out',
      'close_reset',
    ]);
    expect(expectExactChain(rows)).toBe(30_000);
    const after = (await owner.get(`${s.url(s.primary)}/state`)).json();
    expect(after).toMatchObject({ status: 'closed', expectedCash: 30_000, store: { status: 'closed' } });

    const events = await t.db
      .selectFrom('outbox')
      .select('type')
      .where('ordering_key', '=', `register:${s.primary}`)
      .execute();
    const types = events.map((e) => e.type);
    expect(types.filter((x) => x === 'registers.opened')).toHaveLength(1);
    expect(types.filter((x) => x === 'registers.closed')).toHaveLength(1);
    expect(types.filter((x) => x === 'registers.cash_moved')).toHaveLength(rows.length);
    const audit = await t.db
      .selectFrom('audit_log')
      .select('action')
      .where('store_id', '=', s.storeId)
      .execute();
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining([
        'register.opened',
        'cash.in',
        'cash.out',
        'register.middle_check',
        'register.closed',
      ]),
    );
  });

  it('refuses to open an open register and to close a closed one', async () => {
    const s = await newStore();
    expect((await open(owner, s.url(s.primary), {})).statusCode).toBe(201);
    const again = await open(owner, s.url(s.primary), {});
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('register_already_open');
    expect((await close(owner, s.url(s.primary), {}, 0)).statusCode).toBe(201);
    const twice = await close(owner, s.url(s.primary), {}, 0);
    expect(twice.statusCode).toBe(409);
    expect(twice.json().code).toBe('register_already_closed');
    expect(
      await t.db.selectFrom('register_settlement').select('id').where('store_id', '=', s.storeId).execute(),
    ).toHaveLength(2);
  });

  it('opens the business day with the primary register, closes it with the primary last, once a day', async () => {
    const s = await newStore();
    const sub = await open(owner, s.url(s.second), {});
    expect(sub.json().code).toBe('store_closed');
    expect((await open(owner, s.url(s.primary), { '1000': 5 })).statusCode).toBe(201);
    expect((await open(owner, s.url(s.second), { '1000': 3 })).statusCode).toBe(201);
    const early = await close(owner, s.url(s.primary), { '1000': 5 }, 5_000);
    expect(early.json()).toMatchObject({ code: 'other_registers_open', registerIds: [s.second] });
    expect((await close(owner, s.url(s.second), { '1000': 3 }, 3_000)).statusCode).toBe(201);
    expect((await close(owner, s.url(s.primary), { '1000': 5 }, 5_000)).statusCode).toBe(201);
    expect((await open(owner, s.url(s.primary), { '1000': 5 })).json().code).toBe('closed_for_the_day');

    clock.advance(DAY);
    const next = await open(owner, s.url(s.primary), { '1000': 5 });
    expect(next.statusCode).toBe(201);
    // Yesterday's float is today's expected cash: no difference, no correcting movement.
    expect(next.json()).toMatchObject({ expected: 5_000, counted: 5_000, difference: 0 });
    expect(next.json().businessDate).not.toBe(
      (
        await t.db
          .selectFrom('register_settlement')
          .select('business_date')
          .where('register_id', '=', s.primary)
          .orderBy('id')
          .executeTakeFirstOrThrow()
      ).business_date,
    );
    expect(expectExactChain(await ledger(s.primary))).toBe(5_000);
  });

  it("answers 404 for another tenant's register and store", async () => {
    const s = await newStore();
    const foreign = await open(owner, s.url(hoshiRegister), {});
    expect(foreign.statusCode).toBe(404);
    expect((await owner.get(`${s.url(hoshiRegister)}/state`)).statusCode).toBe(404);
    expect((await move(owner, s.url(hoshiRegister), 'in', 100)).statusCode).toBe(404);
    const hoshiStore = Number(
      (
        await t.db
          .selectFrom('register')
          .select('store_id')
          .where('id', '=', hoshiRegister)
          .executeTakeFirstOrThrow()
      ).store_id,
    );
    expect(
      (await owner.get(`/api/v1/stores/${hoshiStore}/registers/${hoshiRegister}/state`)).statusCode,
    ).toBe(404);
    expect(
      await t.db
        .selectFrom('register_cash')
        .select('register_id')
        .where('register_id', '=', hoshiRegister)
        .execute(),
    ).toEqual([]);
  });

  it('lets a clerk open, move cash and close, and answers 403 for the history without its policy', async () => {
    const s = await newStore();
    const clerk = await new StaffClient(app).login('clerk@dragon.example', DEMO_PASSWORD);
    expect(
      (await clerk.post('/api/v1/auth/session', { mode: 'sales', storeId: s.storeId, registerId: s.primary }))
        .statusCode,
    ).toBe(200);
    expect((await open(clerk, s.url(s.primary), { '1000': 10 })).statusCode).toBe(201);
    expect((await move(clerk, s.url(s.primary), 'out', 2_000)).statusCode).toBe(201);
    const history = await clerk.get(`${s.url(s.primary)}/cash-movements`);
    expect(history.statusCode).toBe(403);
    expect(history.json()).toMatchObject({ code: 'forbidden' });
    expect(history.body).toContain('cash.view_history');
    expect((await clerk.get(`/api/v1/stores/${s.storeId}/registers/settlements`)).statusCode).toBe(403);
    expect((await close(clerk, s.url(s.primary), { '1000': 8 }, 8_000)).statusCode).toBe(201);
    const ownerView = await owner.get(`${s.url(s.primary)}/cash-movements?limit=2`);
    expect(ownerView.statusCode).toBe(200);
    // The close counted the float exactly: no close_reset movement.
    expect(ownerView.json().items.map((m: { kind: string }) => m.kind)).toEqual(['cash_out', 'open_adjust']);
    expect(ownerView.json().nextCursor).toBeNull();
  });

  it('keeps the balance-after chain exact under concurrent cash movements', async () => {
    const s = await newStore();
    expect((await open(owner, s.url(s.primary), { '10000': 10 })).statusCode).toBe(201);
    const amounts = Array.from({ length: 24 }, (_, i) => (i % 3 === 0 ? -(1_000 + i) : 500 + i * 7));
    const results = await Promise.all(
      amounts.map((a) => move(owner, s.url(s.primary), a > 0 ? 'in' : 'out', Math.abs(a))),
    );
    expect(results.map((r) => r.statusCode)).toEqual(amounts.map(() => 201));
    const rows = await ledger(s.primary);
    expect(rows).toHaveLength(amounts.length + 1);
    const final = expectExactChain(rows);
    expect(final).toBe(100_000 + amounts.reduce((a, b) => a + b, 0));
    const state = (await owner.get(`${s.url(s.primary)}/state`)).json();
    expect(state.expectedCash).toBe(final);
    expect(state.figures.expected).toBe(final);
    expect(await findCashMismatches(t.db, { storeId: s.storeId })).toEqual([]);
  });

  it('reports a ledger row that does not follow from the previous balance, and a balance off its ledger', async () => {
    const s = await newStore();
    await open(owner, s.url(s.primary), { '1000': 5 });
    await move(owner, s.url(s.primary), 'in', 700);
    await move(owner, s.url(s.primary), 'out', 200);
    expect(await findCashMismatches(t.db, { storeId: s.storeId })).toEqual([]);
    await t.db
      .updateTable('cash_movement')
      .set({ balance_after: 5_701 })
      .where('register_id', '=', s.primary)
      .where('seq', '=', 2)
      .execute();
    await t.db
      .updateTable('register_cash')
      .set({ balance: 1 })
      .where('register_id', '=', s.primary)
      .execute();
    const found = await findCashMismatches(t.db, { storeId: s.storeId });
    expect(found.map((f) => f.problem).sort()).toEqual([
      'balance_not_ledger_sum',
      'broken_chain',
      'broken_chain',
    ]);
    expect(found.every((f) => f.registerId === s.primary)).toBe(true);
    // The nightly job reports it as critical for this corporation's owners.
    const report = await runConsistency(
      {
        db: t.db,
        bus: testPlatform(t.handle).bus,
        log: createLogger({ level: 'silent' }),
        config: loadConfig({}),
      },
      [cashLedgerCheck],
      { repair: false },
    );
    expect(report.checks[0]).toMatchObject({ name: 'registers.cash_ledger', severity: 'critical' });
    expect(report.checks[0]!.countsByCorporation[String(s.ctx.corporationId)]).toBeGreaterThanOrEqual(3);
    expect(exitCodeOf(report, 'critical')).toBe(3);
  });

  it('makes a close wait for a sale in progress on the register and count it', async () => {
    const s = await newStore();
    expect((await open(owner, s.url(s.primary), { '1000': 10 })).statusCode).toBe(201);
    let locked!: () => void;
    const saleHasLock = new Promise<void>((resolve) => (locked = resolve));
    const sale = withTransaction(t.db, async (tx) => {
      await assertRegisterOpen(tx, s.ctx, s.primary);
      locked();
      await new Promise((r) => setTimeout(r, 300));
      await recordCashMovement(tx, s.ctx, {
        registerId: s.primary,
        kind: 'sale',
        amount: 1_500,
        sourceKind: 'sale',
        sourceId: 1,
      });
    });
    await saleHasLock;
    const closing = close(owner, s.url(s.primary), { '1000': 11, '500': 1 }, 10_000);
    await sale;
    const closed = await closing;
    expect(closed.statusCode).toBe(201);
    expect(closed.json()).toMatchObject({ expected: 11_500, difference: 0, figures: { cashSales: 1_500 } });
    await expect(
      withTransaction(t.db, (tx) =>
        recordCashMovement(tx, s.ctx, {
          registerId: s.primary,
          kind: 'sale',
          amount: 100,
          sourceKind: 'sale',
        }),
      ),
    ).rejects.toMatchObject({ status: 409, code: 'register_closed' });
  });

  it('refuses cash out beyond the drawer, money on a closed register, and a bad count', async () => {
    const s = await newStore();
    const closedMove = await move(owner, s.url(s.primary), 'in', 100);
    expect(closedMove.json().code).toBe('register_closed');
    await expect(
      withTransaction(t.db, (tx) => assertRegisterOpen(tx, s.ctx, s.primary)),
    ).rejects.toMatchObject({ code: 'register_closed' });
    const bad = await open(owner, s.url(s.primary), { '3000': 1, '100': -1 } as CashCount);
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort(),
    ).toEqual(['count.100', 'count.3000']);
    expect((await open(owner, s.url(s.primary), { '1000': 1 })).statusCode).toBe(201);
    const over = await move(owner, s.url(s.primary), 'out', 1_001);
    expect(over.statusCode).toBe(409);
    expect(over.json().code).toBe('insufficient_cash');
    const float = await close(owner, s.url(s.primary), { '1000': 1 }, 1_001);
    expect(float.statusCode).toBe(400);
    expect(float.json().errors[0].field).toBe('nextFloat');
    expect(expectExactChain(await ledger(s.primary))).toBe(1_000);
  });

  it('replays open, cash moves and close retried with the same Idempotency-Key', async () => {
    const s = await newStore();
    const count = { '1000': 20 };
    const [a, b] = await Promise.all([
      open(owner, s.url(s.primary), count, 'open-1'),
      open(owner, s.url(s.primary), count, 'open-1'),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 201]);
    expect(a.json().id).toBe(b.json().id);
    const m1 = await move(owner, s.url(s.primary), 'out', 500, 'move-1');
    const m2 = await move(owner, s.url(s.primary), 'out', 500, 'move-1');
    expect([m1.statusCode, m2.statusCode]).toEqual([201, 200]);
    expect(m2.headers['idempotency-replayed']).toBe('true');
    expect(m2.json()).toEqual(m1.json());
    const reused = await close(owner, s.url(s.primary), { '1000': 19, '500': 1 }, 0, 'open-1');
    expect(reused.statusCode).toBe(422);
    const c1 = await close(owner, s.url(s.primary), { '1000': 19, '500': 1 }, 10_000, 'close-1');
    const c2 = await close(owner, s.url(s.primary), { '1000': 19, '500': 1 }, 10_000, 'close-1');
    expect([c1.statusCode, c2.statusCode]).toEqual([201, 200]);
    expect(c2.json()).toEqual(c1.json());
    const settlements = await t.db
      .selectFrom('register_settlement')
      .select('kind')
      .where('store_id', '=', s.storeId)
      .execute();
    expect(settlements.map((x) => x.kind).sort()).toEqual(['close', 'open']);
    expect(expectExactChain(await ledger(s.primary))).toBe(10_000);
  });

  it('takes sales by payment method from the source the sales module plugs in', async () => {
    const s = await newStore();
    const seen: { registerId: number; from: string; to: string }[] = [];
    useSalesByMethod(async (_tx, scope) => {
      seen.push(scope);
      return [
        { kind: 'sale', method: 'cash', total: 1_200 },
        { kind: 'sale', method: 'card', total: 8_800 },
      ];
    });
    try {
      await open(owner, s.url(s.primary), { '1000': 1 });
      const closed = await close(owner, s.url(s.primary), { '1000': 1 }, 1_000);
      expect(closed.json().figures.salesByMethod).toEqual([
        { kind: 'sale', method: 'cash', total: 1_200 },
        { kind: 'sale', method: 'card', total: 8_800 },
      ]);
      expect(seen.at(-1)).toMatchObject({ registerId: s.primary, storeId: s.storeId });
      expect(seen.at(-1)!.from <= seen.at(-1)!.to).toBe(true);
    } finally {
      useSalesByMethod(null);
    }
  });

  it('refuses a middle check of a closed register', async () => {
    const s = await newStore();
    const res = await owner.post(`${s.url(s.primary)}/middle-check`, { count: {} });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('register_closed');
  });

  it('prints the close as 48-column text and as HTML', async () => {
    const s = await newStore();
    await open(owner, s.url(s.primary), { '1000': 3 });
    const closed = (await close(owner, s.url(s.primary), { '1000': 3, '100': 2 }, 3_000)).json();
    const text = await owner.get(`/api/v1/stores/${s.storeId}/registers/settlements/${closed.id}/document`);
    expect(text.statusCode).toBe(200);
    expect(text.headers['content-type']).toContain('text/plain');
    expect(text.body).toContain('《精算》');
    expect(text.body).toMatch(/過不足\s+\+¥200/);
    const html = await owner.get(
      `/api/v1/stores/${s.storeId}/registers/settlements/${closed.id}/document?format=html`,
    );
    expect(html.headers['content-type']).toContain('text/html');
    expect(html.body).toContain('翌日釣銭準備金');
    const list = (
      await owner.get(`/api/v1/stores/${s.storeId}/registers/settlements?registerId=${s.primary}`)
    ).json();
    expect(list.items.map((x: { kind: string }) => x.kind)).toEqual(['close', 'open']);
    expect(countTotal({ '1000': 3, '100': 2 })).toBe(closed.counted);
  });
});
