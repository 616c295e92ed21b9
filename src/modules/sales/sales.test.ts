import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects, useTestDb } from '../../../test/support/db.ts';
import { StaffClient, startPos, testPlatform } from '../../../test/support/pos.ts';
import {
  outboxEvents,
  productsOfItem,
  runHandler,
  seedCatalog,
  seedItem,
  seedStores,
} from '../../../test/support/catalog.ts';
import type { App } from '../../platform/http/server.ts';
import { withTransaction } from '../../platform/db/transaction.ts';
import { toDbTime } from '../../kernel/time.ts';
import { moveStock } from '../inventory/index.ts';
import { customersRoutes, handlers as customerHandlers } from '../customers/index.ts';
import { registersRoutes } from '../registers/index.ts';
import { DEMO_PASSWORD } from '../tenancy/seed.ts';
import { createStore } from '../tenancy/stores.ts';
import { storeInput } from '../tenancy/schemas.ts';
import { computeReceipt } from './tax.ts';
import { handlers, PaymentDeclinedError, salesRoutes, usePaymentProvider, type SaleView } from './index.ts';
import type { ProviderPayment } from './payment-providers.ts';
import type { EventEnvelope } from '../../platform/bus/events.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe.each(testDialects())('selling at the register on %s', (dialect) => {
  const t = useTestDb(dialect);
  let app: App;
  let owner: StaffClient;
  let dragon: { corporationId: number; ownerId: number };
  let hoshiStore: number;
  let stores = 0;

  beforeAll(async () => {
    const s = await seedStores(t.db);
    const corps = await t.db.selectFrom('corporation').select(['id', 'name']).execute();
    const dragonId = Number(corps.find((c) => c.name.startsWith('Dragon'))!.id);
    const scope = Object.values(s).find((x) => x.corporationId === dragonId)!;
    dragon = { corporationId: dragonId, ownerId: scope.ownerId };
    hoshiStore = Object.values(s).find((x) => x.corporationId !== dragonId)!.storeId;
    app = await startPos(testPlatform(t.handle), {
      plugins: [registersRoutes(), salesRoutes, customersRoutes],
    });
    owner = await new StaffClient(app).login('owner@dragon.example', DEMO_PASSWORD);
    expect((await owner.post('/api/v1/auth/session', { mode: 'admin' })).statusCode).toBe(200);
  });
  afterAll(() => app?.close());

  /** A fresh Dragon store with two registers, three products in stock and the clerk linked. */
  async function newShop(stock = 100, name?: string) {
    const code = `s${++stores}`;
    const shop = await withTransaction(t.db, async (tx) => {
      const actor = {
        corporationId: dragon.corporationId,
        accountId: dragon.ownerId,
        actingStaffId: dragon.ownerId,
      };
      const storeId = await createStore(
        tx,
        actor,
        storeInput.parse({ code, name: name ?? `Shop ${code}`, address: 'Osaka' }),
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
      const second = await tx
        .insertInto('register')
        .values({
          corporation_id: dragon.corporationId,
          store_id: storeId,
          name: 'Register 2',
          primary_of_store_id: null,
          archived_at: null,
          created_at: toDbTime(new Date()),
        })
        .executeTakeFirstOrThrow();
      const clerk = await tx
        .selectFrom('staff_account')
        .select('id')
        .where('email', '=', 'clerk@dragon.example')
        .executeTakeFirstOrThrow();
      await tx
        .insertInto('staff_store')
        .values({ account_id: Number(clerk.id), store_id: storeId })
        .execute();
      return { storeId, primary, second: Number(second.insertId) };
    });
    const scope = { corporationId: dragon.corporationId, storeId: shop.storeId };
    const refs = await seedCatalog(t.db, scope);
    const card = await seedItem(t.db, scope, refs, { name: 'リザードン ex', baseSellPrice: 1980 });
    const drink = await seedItem(t.db, scope, refs, {
      name: 'Ramune',
      baseSellPrice: 150,
      taxCategory: 'reduced',
    });
    const [cardA, cardB] = await productsOfItem(t.db, card);
    const [drinkA] = await productsOfItem(t.db, drink);
    const products = { cardA: Number(cardA!.id), cardB: Number(cardB!.id), drink: Number(drinkA!.id) };
    await withTransaction(t.db, async (tx) => {
      for (const productId of Object.values(products))
        await moveStock(
          tx,
          { ...scope, staffId: null },
          { productId, quantity: stock, source: { kind: 'stocking', id: 'seed' } },
        );
    });
    const base = `/api/v1/stores/${shop.storeId}`;
    return { ...shop, products, base, prices: { cardA: 1980, cardB: 1580, drink: 150 } };
  }
  type Shop = Awaited<ReturnType<typeof newShop>>;

  async function clerkOn(shop: Shop, registerId: number) {
    const clerk = await new StaffClient(app).login('clerk@dragon.example', DEMO_PASSWORD);
    const res = await clerk.post('/api/v1/auth/session', {
      mode: 'sales',
      storeId: shop.storeId,
      registerId,
    });
    expect(res.statusCode).toBe(200);
    return clerk;
  }

  const openRegister = async (
    c: StaffClient,
    shop: Shop,
    registerId: number,
    count: Record<string, number> = { '1000': 10 },
  ) => expect((await c.post(`${shop.base}/registers/${registerId}/open`, { count })).statusCode).toBe(201);

  const sell = (c: StaffClient, shop: Shop, body: Json, key?: string) =>
    c.request({
      method: 'POST',
      url: `${shop.base}/sales/checkout`,
      payload: body,
      headers: key ? { 'idempotency-key': key } : {},
    });

  /** The drawer movements of the shop's sales, oldest first: one per sale paid (partly) in cash. */
  async function cashTakenBySales(shop: Shop) {
    const rows = await t.db
      .selectFrom('cash_movement')
      .select('amount')
      .where('store_id', '=', shop.storeId)
      .where('kind', '=', 'sale')
      .orderBy('id')
      .execute();
    return rows.map((m) => Number(m.amount));
  }

  async function stockOf(productId: number) {
    const p = await t.db
      .selectFrom('product')
      .select('stock')
      .where('id', '=', productId)
      .executeTakeFirstOrThrow();
    const l = await t.db
      .selectFrom('stock_ledger')
      .select((e) => e.fn.sum<number>('quantity').as('q'))
      .where('product_id', '=', productId)
      .executeTakeFirstOrThrow();
    expect(Number(l.q)).toBe(Number(p.stock));
    return Number(p.stock);
  }

  it('answers checkout, completion and return with the sale exactly as reading it back shows it', async () => {
    const shop = await newShop();
    const clerk = await clerkOn(shop, shop.primary);
    await openRegister(clerk, shop, shop.primary);
    const asRead = async (res: { statusCode: number; json(): unknown }) => {
      expect(res.statusCode, JSON.stringify(res.json())).toBeLessThan(300);
      const answered = res.json() as SaleView;
      expect(answered).toEqual((await owner.get(`${shop.base}/sales/${answered.id}`)).json());
      return answered;
    };
    // Checkout, split cash + card over two rates (the card paying part, the cash the rest).
    const split = await asRead(
      await sell(clerk, shop, {
        lines: [
          { productId: shop.products.drink, quantity: 2 },
          { productId: shop.products.cardA, quantity: 1 },
        ],
        payment: { cashTendered: 1000, other: { method: 'card', amount: 1500, reference: 'T-1' } },
      }),
    );
    expect(split.payments.map((p) => p.method).sort()).toEqual(['card', 'cash']);
    // A draft with discounts, completed by the owner (who may discount) on the same register.
    const draft = (
      await owner.post(`${shop.base}/sales`, {
        registerId: shop.primary,
        lines: [
          { productId: shop.products.cardB, quantity: 2, discount: { kind: 'yen', value: 100 } },
          { productId: shop.products.drink, quantity: 1 },
        ],
        cartDiscount: { kind: 'percent', percent: 5 },
      })
    ).json() as SaleView;
    const completed = await asRead(
      await owner.post(`${shop.base}/sales/${draft.id}/complete`, {
        registerId: shop.primary,
        payment: { cashTendered: 5000 },
      }),
    );
    expect([completed.lineDiscounts, completed.cartDiscountAmount > 0]).toEqual([100, true]);
    const returned = await asRead(
      await owner.post(`${shop.base}/sales/${split.id}/return`, {
        reason: 'wrong card',
        registerId: shop.primary,
      }),
    );
    expect(returned.payments.map((p) => p.amount).sort((a, b) => a - b)).toEqual(
      split.payments.map((p) => -p.amount).sort((a, b) => a - b),
    );
  });

  it('sells to a customer of the store: the sale, its return and their events name them, and their figures follow', async () => {
    const shop = await newShop();
    const clerk = await clerkOn(shop, shop.primary);
    await openRegister(clerk, shop, shop.primary);
    const created = await clerk.post(`${shop.base}/customers`, { name: '山田 花子', code: 'M-100' });
    expect(created.statusCode).toBe(201);
    const customerId = (created.json() as { id: number }).id;

    // Another store's customer (or none at all) is refused with nothing written.
    const elsewhere = await newShop();
    const stranger = (await owner.post(`${elsewhere.base}/customers`, { name: 'Other shop' })).json() as {
      id: number;
    };
    const before = await stockOf(shop.products.cardA);
    for (const unknown of [stranger.id, 999_999]) {
      const refused = await sell(clerk, shop, {
        lines: [{ productId: shop.products.cardA, quantity: 1 }],
        customerId: unknown,
        payment: { cashTendered: 2000 },
      });
      expect([refused.statusCode, refused.json().errors]).toEqual([
        400,
        [expect.objectContaining({ field: 'customerId', code: 'unknown_customer' })],
      ]);
    }
    expect(await stockOf(shop.products.cardA)).toBe(before);

    // A held cart keeps its customer; checkout names them too.
    const draft = (
      await clerk.post(`${shop.base}/sales`, {
        lines: [{ productId: shop.products.drink, quantity: 2 }],
        customerId,
      })
    ).json() as SaleView;
    expect(draft.customerId).toBe(customerId);
    // The customer is part of the cart: a cart sent without them has none, sent again has them back.
    const lines = [{ productId: shop.products.drink, quantity: 2 }];
    const put = (body: Json) =>
      clerk.request({ method: 'PUT', url: `${shop.base}/sales/${draft.id}/cart`, payload: body });
    expect(((await put({ lines })).json() as SaleView).customerId).toBeNull();
    const refused = await put({ lines, customerId: stranger.id });
    expect([refused.statusCode, refused.json().errors[0].code]).toEqual([400, 'unknown_customer']);
    expect(((await put({ lines, customerId })).json() as SaleView).customerId).toBe(customerId);
    const paid = (
      await clerk.post(`${shop.base}/sales/${draft.id}/complete`, { payment: { cashTendered: 300 } })
    ).json() as SaleView;
    const sold = (
      await sell(clerk, shop, {
        lines: [{ productId: shop.products.cardA, quantity: 1 }],
        customerId,
        payment: { other: { method: 'card', amount: 1980 } },
      })
    ).json() as SaleView;
    expect([paid.customerId, sold.customerId]).toEqual([customerId, customerId]);
    const back = (
      await owner.post(`${shop.base}/sales/${sold.id}/return`, {
        reason: 'changed mind',
        registerId: shop.primary,
      })
    ).json() as SaleView;
    expect(back.customerId).toBe(customerId);

    // worker-transaction turns the events into the customer's figures.
    const events = [
      ...(await outboxEvents<{ saleId: number; customerId: number | null }>(t.db, 'sales.completed')),
      ...(await outboxEvents<{ saleId: number; customerId: number | null }>(t.db, 'sales.returned')),
    ].filter((e) => [paid.id, sold.id, back.id].includes(e.data.saleId));
    expect(events.map((e) => e.data.customerId)).toEqual([customerId, customerId, customerId]);
    for (const e of events)
      await runHandler(
        t.db,
        e.type === 'sales.completed' ? customerHandlers.statsOfSale : customerHandlers.statsOfReturn,
        e,
      );
    const figures = (await clerk.get(`${shop.base}/customers/${customerId}`)).json() as {
      stats: { salesCount: number; salesTotal: number; returnsCount: number; returnsTotal: number };
    };
    expect(figures.stats).toMatchObject({
      salesCount: 2,
      salesTotal: 300 + 1980,
      returnsCount: 1,
      returnsTotal: 1980,
    });
  });

  it('sells a mixed 10%/8% cart for cash: stock out, cash in, tax per rate, change, events', async () => {
    const shop = await newShop();
    const clerk = await clerkOn(shop, shop.primary);
    await openRegister(clerk, shop, shop.primary);
    const res = await sell(clerk, shop, {
      lines: [
        { productId: shop.products.cardA, quantity: 2 },
        { productId: shop.products.drink, quantity: 3 },
      ],
      payment: { cashTendered: 5000 },
    });
    expect(res.statusCode).toBe(201);
    const sale = res.json() as SaleView;
    const expected = computeReceipt({
      lines: [
        { unitPrice: 1980, quantity: 2, category: 'standard' },
        { unitPrice: 150, quantity: 3, category: 'reduced' },
      ],
      mode: 'inclusive',
      rounding: 'nearest',
    });
    expect(sale).toMatchObject({
      status: 'completed',
      kind: 'sale',
      total: 4410,
      tax: expected.tax,
      tendered: 5000,
      change: 590,
      items: 5,
      payments: [{ method: 'cash', amount: 4410, reference: null }],
    });
    expect(sale.rates.map((r) => [r.label, r.taxIncluded, r.tax])).toEqual(
      expected.rates.map((r) => [r.category === 'standard' ? '10%対象' : '8%対象', r.taxIncluded, r.tax]),
    );
    expect(sale.number).toMatch(/^\d{3}-000001$/);
    expect(await stockOf(shop.products.cardA)).toBe(98);
    expect(await stockOf(shop.products.drink)).toBe(97);
    const state = (await clerk.get(`${shop.base}/registers/${shop.primary}/state`)).json();
    expect(state.expectedCash).toBe(10_000 + 4410);
    const completed = await outboxEvents<{ saleId: number; total: number }>(t.db, 'sales.completed');
    expect(completed.find((e) => e.data.saleId === sale.id)?.data.total).toBe(4410);
  });

  // The round trips are what a MySQL sale costs most (docs/platform.md): this guards their number.
  it.runIf(dialect === 'mysql')('completes a checkout in five requests to MySQL, cash or card', async () => {
    const shop = await newShop();
    const clerk = await clerkOn(shop, shop.primary);
    await openRegister(clerk, shop, shop.primary);
    const lines = [
      { productId: shop.products.cardA, quantity: 1 },
      { productId: shop.products.cardB, quantity: 2 },
      { productId: shop.products.drink, quantity: 1 },
    ];
    const total = 1980 + 2 * 1580 + 150;
    const requestsFor = async (payment: Json) => {
      const before = t.handle.requestsSent!();
      expect((await sell(clerk, shop, { lines, payment })).statusCode).toBe(201);
      return t.handle.requestsSent!() - before;
    };
    // The first sale of a process also asks the server once how it numbers rows (statements.ts).
    await requestsFor({ cashTendered: 10_000 });
    // The session's account; BEGIN, the register's lock and the prices; the sale row and the
    // stock's locks; the drawer, the stock and the ledger; the other rows and COMMIT.
    expect(await requestsFor({ cashTendered: 10_000 })).toBe(5);
    expect(await requestsFor({ other: { method: 'card', amount: total } })).toBe(5);
    expect(await requestsFor({ cashTendered: 5000, other: { method: 'card', amount: total - 5000 } })).toBe(
      5,
    );
    expect(await stockOf(shop.products.cardB)).toBe(92);
    const state = (await clerk.get(`${shop.base}/registers/${shop.primary}/state`)).json();
    expect(state.expectedCash).toBe(10_000 + 2 * total + 5000);
  });

  it('keeps a cart as a draft, holds and resumes it, prices it on the server and completes it once', async () => {
    const shop = await newShop();
    const clerk = await clerkOn(shop, shop.primary);
    await openRegister(clerk, shop, shop.primary);
    const draft = (await clerk.post(`${shop.base}/sales`, {})).json() as SaleView;
    expect(draft).toMatchObject({ status: 'draft', total: 0, registerId: shop.primary });
    const priced = await clerk.request({
      method: 'PUT',
      url: `${shop.base}/sales/${draft.id}/cart`,
      payload: { lines: [{ productId: shop.products.cardB, quantity: 1 }] },
    });
    expect(priced.json()).toMatchObject({
      total: 1580,
      lines: [{ unitPrice: 1580, listPrice: 1580, detail: 'B' }],
    });
    // 1580 × 10/110 = 143.6…, rounded to nearest (the demo corporation's rule).
    expect(priced.json().rates).toEqual([
      {
        category: 'standard',
        label: '10%対象',
        rateBp: 1000,
        taxIncluded: 1580,
        taxExcluded: 1436,
        tax: 144,
      },
    ]);
    expect((await clerk.post(`${shop.base}/sales/${draft.id}/hold`)).json().status).toBe('held');
    const open = (await clerk.get(`${shop.base}/sales?registerId=${shop.primary}`)).json().items;
    expect(open).toEqual([expect.objectContaining({ id: draft.id, status: 'held', total: 1580 })]);
    expect((await clerk.post(`${shop.base}/sales/${draft.id}/resume`)).json().status).toBe('draft');

    const pay = () =>
      clerk.request({
        method: 'POST',
        url: `${shop.base}/sales/${draft.id}/complete`,
        payload: { payment: { other: { method: 'card', amount: 1580 } } },
        headers: { 'idempotency-key': `pay-${draft.id}` },
      });
    const [a, b] = await Promise.all([pay(), pay()]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 200]);
    expect([a.headers['idempotency-replayed'], b.headers['idempotency-replayed']].sort()).toEqual([
      'false',
      'true',
    ]);
    expect(a.json().number).toBe(b.json().number);
    expect(await stockOf(shop.products.cardB)).toBe(99);
    // Completing again without the key is a conflict, not a second sale.
    const again = await clerk.post(`${shop.base}/sales/${draft.id}/complete`, {
      payment: { other: { method: 'card', amount: 1580 } },
    });
    expect([again.statusCode, again.json().code]).toEqual([409, 'sale_not_open']);
    expect(await stockOf(shop.products.cardB)).toBe(99);
    const payments = await t.db
      .selectFrom('sale_payment')
      .select('amount')
      .where('sale_id', '=', draft.id)
      .execute();
    expect(payments).toHaveLength(1);

    const other = (
      await clerk.post(`${shop.base}/sales`, { lines: [{ productId: shop.products.drink, quantity: 1 }] })
    ).json();
    expect((await clerk.post(`${shop.base}/sales/${other.id}/cancel`)).json().status).toBe('cancelled');
    const late = await clerk.post(`${shop.base}/sales/${other.id}/complete`, {
      payment: { cashTendered: 200 },
    });
    expect([late.statusCode, late.json().code]).toEqual([409, 'sale_not_open']);
  });

  it('refuses bad payments, unknown products and missing permissions without changing anything', async () => {
    const shop = await newShop();
    const clerk = await clerkOn(shop, shop.primary);
    await openRegister(clerk, shop, shop.primary);
    const line = { productId: shop.products.cardA, quantity: 1 };

    const short = await sell(clerk, shop, { lines: [line], payment: { cashTendered: 1000 } });
    expect(short.statusCode).toBe(400);
    expect(short.json().errors).toEqual([
      expect.objectContaining({ field: 'payment.cashTendered', code: 'tendered_too_little' }),
    ]);
    const over = await sell(clerk, shop, {
      lines: [line],
      payment: { other: { method: 'card', amount: 5000 } },
    });
    expect(over.json().errors[0]).toMatchObject({ field: 'payment.other.amount', code: 'over_total' });
    const empty = await sell(clerk, shop, { lines: [], payment: { cashTendered: 0 } });
    expect([empty.statusCode, empty.json().code]).toEqual([400, 'empty_cart']);
    const unknown = await sell(clerk, shop, {
      lines: [{ productId: 999_999_999, quantity: 1 }],
      payment: { cashTendered: 5000 },
    });
    expect(unknown.json().errors[0]).toMatchObject({ field: 'lines.0.productId', code: 'unknown_product' });
    // The clerk group holds neither manual prices nor discounts.
    const cheap = await sell(clerk, shop, {
      lines: [{ ...line, unitPrice: 100 }],
      payment: { cashTendered: 100 },
    });
    expect([cheap.statusCode, cheap.json().policy]).toEqual([403, 'sales.manual_price']);
    const disc = await sell(clerk, shop, {
      lines: [line],
      cartDiscount: { kind: 'percent', percent: 10 },
      payment: { cashTendered: 5000 },
    });
    expect([disc.statusCode, disc.json().policy]).toEqual([403, 'sales.manual_discount']);
    const tooBig = await sell(owner, shop, {
      registerId: shop.primary,
      lines: [{ ...line, discount: { kind: 'yen', value: 5000 } }],
      payment: { cashTendered: 0 },
    });
    expect(tooBig.json().errors[0]).toMatchObject({ field: 'lines.0.discount', code: 'discount_too_large' });
    const tooMuch = await sell(clerk, shop, {
      lines: [{ ...line, quantity: 101 }],
      payment: { cashTendered: 500_000 },
    });
    expect([tooMuch.statusCode, tooMuch.json().code, tooMuch.json().name]).toEqual([
      409,
      'out_of_stock',
      'リザードン ex [A]',
    ]);
    // Another tenant's store, and the register of this store that is closed.
    expect(
      (
        await sell(
          owner,
          { ...shop, base: `/api/v1/stores/${hoshiStore}` },
          { registerId: shop.primary, lines: [line], payment: { cashTendered: 5000 } },
        )
      ).statusCode,
    ).toBe(404);
    const closed = await sell(owner, shop, {
      registerId: shop.second,
      lines: [line],
      payment: { cashTendered: 5000 },
    });
    expect([closed.statusCode, closed.json().code]).toEqual([409, 'register_closed']);
    const mismatch = await sell(clerk, shop, {
      registerId: shop.second,
      lines: [line],
      payment: { cashTendered: 5000 },
    });
    expect(mismatch.json().errors[0]).toMatchObject({ field: 'registerId', code: 'register_mismatch' });

    expect(await stockOf(shop.products.cardA)).toBe(100);
    const sales = await t.db
      .selectFrom('sale')
      .select('id')
      .where('store_id', '=', shop.storeId)
      .where('status', '=', 'completed')
      .execute();
    expect(sales).toHaveLength(0);
    const cash = (await clerk.get(`${shop.base}/registers/${shop.primary}/state`)).json();
    expect(cash.expectedCash).toBe(10_000);
    // Another store's sale id answers 404 like an unknown one.
    const ok = (await sell(clerk, shop, { lines: [line], payment: { cashTendered: 2000 } })).json();
    const other = await newShop();
    expect((await owner.get(`${other.base}/sales/${ok.id}`)).statusCode).toBe(404);
    for (const action of ['hold', 'resume', 'cancel'])
      expect((await owner.post(`${other.base}/sales/${ok.id}/${action}`)).statusCode, action).toBe(404);
    const put = await owner.request({
      method: 'PUT',
      url: `${other.base}/sales/${ok.id}/cart`,
      payload: { lines: [] },
    });
    expect(put.statusCode).toBe(404);
    const draft = (await clerk.post(`${shop.base}/sales`, {})).json();
    expect((await owner.post(`${other.base}/sales/${draft.id}/cancel`)).statusCode).toBe(404);
    expect((await owner.get(`${shop.base}/sales/${draft.id}`)).json().status).toBe('draft');
  });

  it('refuses a cash refund the drawer cannot pay, and changes nothing', async () => {
    const shop = await newShop();
    const clerk = await clerkOn(shop, shop.primary);
    await openRegister(clerk, shop, shop.primary);
    const sale = (
      await sell(clerk, shop, {
        lines: [{ productId: shop.products.cardA, quantity: 1 }],
        payment: { cashTendered: 2000 },
      })
    ).json() as SaleView;
    // The drawer goes to the bank, leaving less than the refund.
    const out = await clerk.post(`${shop.base}/registers/${shop.primary}/cash-movements`, {
      direction: 'out',
      amount: 11_000,
      reason: 'bank',
    });
    expect(out.statusCode).toBe(201);
    const refused = await owner.post(`${shop.base}/sales/${sale.id}/return`, {
      reason: 'test',
      registerId: shop.primary,
    });
    expect([refused.statusCode, refused.json().code]).toEqual([409, 'insufficient_cash']);
    expect((await owner.get(`${shop.base}/sales/${sale.id}`)).json().returnedBySaleId).toBeNull();
    expect(await stockOf(shop.products.cardA)).toBe(99);
    const returns = await t.db
      .selectFrom('sale')
      .select('id')
      .where('return_of_sale_id', '=', sale.id)
      .execute();
    expect(returns).toHaveLength(0);
  });

  it('rolls the whole sale back when a payment provider declines, and records what an accepting one confirms', async () => {
    const shop = await newShop();
    const clerk = await clerkOn(shop, shop.primary);
    await openRegister(clerk, shop, shop.primary);
    const seen: ProviderPayment[] = [];
    const refunded: ProviderPayment[] = [];
    usePaymentProvider('emoney', {
      name: 'test-terminal',
      confirm: async (p) => {
        seen.push(p);
        if (p.amount > 2000) throw new PaymentDeclinedError(p.method, 'insufficient balance');
        return { reference: `T-${p.saleId}` };
      },
      refund: async (p) => {
        refunded.push(p);
        return { reference: `R-${p.reference}` };
      },
    });
    try {
      const line = { productId: shop.products.cardA, quantity: 2 };
      const declined = await sell(clerk, shop, {
        lines: [line],
        payment: { other: { method: 'emoney', amount: 3960 } },
      });
      expect([declined.statusCode, declined.json().code]).toEqual([402, 'payment_declined']);
      // Cash and a declined e-money part: the drawer's movement, issued ahead of the stock, goes too.
      const declinedSplit = await sell(clerk, shop, {
        lines: [line],
        payment: { cashTendered: 1000, other: { method: 'emoney', amount: 2960 } },
      });
      expect([declinedSplit.statusCode, declinedSplit.json().code]).toEqual([402, 'payment_declined']);
      expect(await stockOf(shop.products.cardA)).toBe(100);
      expect(await cashTakenBySales(shop)).toEqual([]);
      const drawer = (await clerk.get(`${shop.base}/registers/${shop.primary}/state`)).json();
      expect(drawer.expectedCash).toBe(10_000);
      const split = await sell(clerk, shop, {
        lines: [line],
        payment: { cashTendered: 2000, other: { method: 'emoney', amount: 1960 } },
      });
      expect(split.statusCode).toBe(201);
      expect(split.json().payments[1]).toEqual({
        method: 'emoney',
        amount: 1960,
        reference: `T-${split.json().id}`,
      });
      expect(seen.map((p) => p.amount)).toEqual([3960, 2960, 1960]);
      expect(await cashTakenBySales(shop)).toEqual([2000]);
      expect(await stockOf(shop.products.cardA)).toBe(98);
      // The return refunds each method through its provider, with the charge's reference.
      const back = await owner.post(`${shop.base}/sales/${split.json().id}/return`, {
        reason: 'test',
        registerId: shop.primary,
      });
      expect(back.json().payments).toEqual([
        { method: 'cash', amount: -2000, reference: null },
        { method: 'emoney', amount: -1960, reference: `R-T-${split.json().id}` },
      ]);
      expect(refunded).toEqual([
        expect.objectContaining({ method: 'emoney', amount: 1960, reference: `T-${split.json().id}` }),
      ]);
    } finally {
      usePaymentProvider('emoney', null);
    }
  });

  it('sells once for two checkouts sent at once with the same Idempotency-Key, answering the second as the first', async () => {
    const shop = await newShop(5);
    const clerk = await clerkOn(shop, shop.primary);
    await openRegister(clerk, shop, shop.primary);
    const body = {
      lines: [{ productId: shop.products.cardA, quantity: 2 }],
      payment: { cashTendered: 5000 },
    };
    const results = await Promise.all([
      sell(clerk, shop, body, 'quick-twin'),
      sell(clerk, shop, body, 'quick-twin'),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 201]);
    expect(results.map((r) => r.headers['idempotency-replayed']).sort()).toEqual(['false', 'true']);
    expect(results[0]!.json().id).toBe(results[1]!.json().id);
    expect(await stockOf(shop.products.cardA)).toBe(3);
    expect(await cashTakenBySales(shop)).toEqual([2 * shop.prices.cardA]);
  });

  it('sells the last unit to exactly one of two registers selling it at the same moment', async () => {
    const shop = await newShop(1);
    const a = await clerkOn(shop, shop.primary);
    await openRegister(a, shop, shop.primary);
    const b = await clerkOn(shop, shop.second);
    await openRegister(b, shop, shop.second);
    const body = {
      lines: [{ productId: shop.products.cardA, quantity: 1 }],
      payment: { cashTendered: 2000 },
    };
    const results = await Promise.all([sell(a, shop, body), sell(b, shop, body)]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    expect(results.find((r) => r.statusCode === 409)!.json().code).toBe('out_of_stock');
    expect(await stockOf(shop.products.cardA)).toBe(0);
    expect(await cashTakenBySales(shop)).toEqual([1980]);
  });

  it('returns a whole sale once, refunding each payment by its method and putting stock back', async () => {
    const shop = await newShop();
    const clerk = await clerkOn(shop, shop.primary);
    await openRegister(clerk, shop, shop.primary);
    const sale = (
      await sell(clerk, shop, {
        lines: [{ productId: shop.products.cardA, quantity: 2 }],
        payment: { cashTendered: 1000, other: { method: 'qr', amount: 3000, reference: 'QR-778812' } },
      })
    ).json() as SaleView;
    expect(sale.payments).toEqual([
      { method: 'cash', amount: 960, reference: null },
      { method: 'qr', amount: 3000, reference: 'QR-778812' },
    ]);
    expect(sale.change).toBe(40);
    const ret = (url: string, c: StaffClient, key?: string) =>
      c.request({
        method: 'POST',
        url,
        payload: { reason: '初期不良', registerId: shop.primary },
        headers: key ? { 'idempotency-key': key } : {},
      });
    const url = `${shop.base}/sales/${sale.id}/return`;
    const denied = await ret(url, clerk);
    expect([denied.statusCode, denied.json().policy]).toEqual([403, 'sales.refund']);
    const done = await ret(url, owner, 'ret-1');
    expect(done.statusCode).toBe(201);
    const replay = await ret(url, owner, 'ret-1');
    expect([replay.statusCode, replay.json().id]).toEqual([200, done.json().id]);
    const twice = await ret(url, owner, 'ret-2');
    expect([twice.statusCode, twice.json().code]).toEqual([409, 'already_returned']);

    const r = done.json() as SaleView;
    expect(r).toMatchObject({
      kind: 'return',
      status: 'completed',
      total: 3960,
      returnOfSaleId: sale.id,
      returnReason: '初期不良',
    });
    expect(r.payments).toEqual([
      { method: 'cash', amount: -960, reference: null },
      { method: 'qr', amount: -3000, reference: 'QR-778812' },
    ]);
    expect((await owner.get(`${shop.base}/sales/${sale.id}`)).json().returnedBySaleId).toBe(r.id);
    expect(await stockOf(shop.products.cardA)).toBe(100);
    const state = (await clerk.get(`${shop.base}/registers/${shop.primary}/state`)).json();
    expect(state.expectedCash).toBe(10_000);
    const audit = await t.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', '=', 'sales.return')
      .where('store_id', '=', shop.storeId)
      .execute();
    expect(audit).toHaveLength(1);
    const cancelled = (await clerk.post(`${shop.base}/sales`, {})).json();
    const notSale = await ret(`${shop.base}/sales/${cancelled.id}/return`, owner);
    expect([notSale.statusCode, notSale.json().code]).toEqual([409, 'not_returnable']);
  });

  it('runs a day: 50 sales, a return, cash out and a close whose figures equal the sums', async () => {
    const shop = await newShop(1000);
    const clerk = await clerkOn(shop, shop.primary);
    await openRegister(clerk, shop, shop.primary, { '10000': 2, '1000': 10 });
    const products = [shop.products.cardA, shop.products.cardB, shop.products.drink];
    let cash = 0;
    let card = 0;
    const sold: SaleView[] = [];
    for (let i = 0; i < 50; i++) {
      const lines = products
        .map((productId, j) => ({ productId, quantity: (i * (j + 3)) % 4 }))
        .filter((l) => l.quantity > 0);
      if (lines.length === 0) lines.push({ productId: shop.products.drink, quantity: 1 });
      const total = computeReceipt({
        lines: lines.map((l) => ({
          unitPrice:
            l.productId === shop.products.cardA ? 1980 : l.productId === shop.products.cardB ? 1580 : 150,
          quantity: l.quantity,
          category: l.productId === shop.products.drink ? 'reduced' : 'standard',
        })),
        mode: 'inclusive',
        rounding: 'nearest',
      }).total;
      const payment =
        i % 3 === 0 || (i % 3 === 2 && total <= 1000)
          ? { other: { method: 'card', amount: total } }
          : i % 3 === 1
            ? { cashTendered: Math.ceil(total / 1000) * 1000 }
            : { cashTendered: 1000, other: { method: 'card', amount: total - 1000 } };
      if (i % 3 === 0 || (i % 3 === 2 && total <= 1000)) card += total;
      else if (i % 3 === 1) cash += total;
      else {
        cash += 1000;
        card += total - 1000;
      }
      const res = await sell(clerk, shop, { lines, payment });
      expect(res.statusCode, res.body).toBe(201);
      sold.push(res.json());
    }
    const returned = sold[1]!; // a cash sale
    expect(
      (
        await owner.post(`${shop.base}/sales/${returned.id}/return`, {
          reason: 'changed mind',
          registerId: shop.primary,
        })
      ).statusCode,
    ).toBe(201);
    expect(
      (
        await clerk.post(`${shop.base}/registers/${shop.primary}/cash-movements`, {
          direction: 'out',
          amount: 5000,
          reason: 'bank',
        })
      ).statusCode,
    ).toBe(201);
    const expectedCash = 30_000 + cash - returned.total - 5000;
    const state = (await clerk.get(`${shop.base}/registers/${shop.primary}/state`)).json();
    expect(state.expectedCash).toBe(expectedCash);

    const count: Record<string, number> = {};
    let rest = expectedCash;
    for (const d of [10000, 5000, 2000, 1000, 500, 100, 50, 10, 5, 1]) {
      if (rest >= d) count[String(d)] = Math.floor(rest / d);
      rest %= d;
    }
    const close = await clerk.post(`${shop.base}/registers/${shop.primary}/close`, {
      count,
      nextFloat: 30_000,
    });
    expect(close.statusCode, close.body).toBe(201);
    const f = close.json();
    expect(f.difference).toBe(0);
    expect(f.figures.cashSales).toBe(cash);
    expect(f.figures.cashSaleRefunds).toBe(returned.total);
    expect(f.figures.cashOut).toBe(5000);
    expect(f.figures.salesByMethod).toEqual([
      { kind: 'sale', method: 'card', total: card },
      { kind: 'sale', method: 'cash', total: cash },
      { kind: 'sale_refund', method: 'cash', total: returned.total },
    ]);
    const list = (await owner.get(`${shop.base}/transactions?limit=20`)).json();
    expect(list.items).toHaveLength(20);
    expect(list.items[0].kind).toBe('return');
    const next = (await owner.get(`${shop.base}/transactions?limit=200&before=${list.nextBefore}`)).json();
    expect(list.items.length + next.items.length).toBe(51);
    const byCard = (await owner.get(`${shop.base}/transactions?method=card&limit=200`)).json();
    expect(byCard.items).toHaveLength(sold.filter((_, i) => i % 3 !== 1).length);
    const csv = await owner.get(`${shop.base}/transactions.csv?kind=sale`);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.trim().split('\n')).toHaveLength(51);

    // worker-transaction: the running totals of the day, applied from the outbox events.
    const events = [
      ...(await outboxEvents(t.db, 'sales.completed')),
      ...(await outboxEvents(t.db, 'sales.returned')),
    ].filter((e) => e.storeId === shop.storeId) as EventEnvelope[];
    for (const e of events)
      await runHandler(
        t.db,
        e.type === 'sales.completed' ? handlers.runningTotalOfSale : handlers.runningTotalOfReturn,
        e,
      );
    const day = await t.db
      .selectFrom('sales_running_total')
      .selectAll()
      .where('store_id', '=', shop.storeId)
      .executeTakeFirstOrThrow();
    expect([
      Number(day.sales_count),
      Number(day.sales_total),
      Number(day.returns_count),
      Number(day.returns_total),
    ]).toEqual([50, sold.reduce((s, x) => s + x.total, 0), 1, returned.total]);
    // The dashboard reads them for the store's business day (the register closed, so name it).
    const running = await owner.get(`${shop.base}/sales/running-total?businessDate=${sold[0]!.businessDate}`);
    expect(running.json()).toMatchObject({
      salesCount: 50,
      returnsCount: 1,
      netTotal: sold.reduce((s, x) => s + x.total, 0) - returned.total,
    });
  });

  it('prints the receipt (48 columns, reprint marked), the 領収書 and e-mails a copy', async () => {
    const shop = await newShop(100, 'ドラゴンカード 梅田店');
    const clerk = await clerkOn(shop, shop.primary);
    await openRegister(clerk, shop, shop.primary);
    const sale = (
      await sell(clerk, shop, {
        lines: [
          { productId: shop.products.cardA, quantity: 1 },
          { productId: shop.products.drink, quantity: 2 },
        ],
        payment: { cashTendered: 3000 },
        receiptEmail: 'customer@example.com',
      })
    ).json() as SaleView;
    await t.db
      .updateTable('sale')
      .set({ completed_at: '2026-11-27 03:04:05.000' })
      .where('id', '=', sale.id)
      .execute();
    const text = (await clerk.get(`${shop.base}/sales/${sale.id}/receipt?format=text`)).body.replaceAll(
      sale.number!,
      'NNN-NNNNNN',
    );
    expect(text.split('\n').every((l) => l.length <= 48)).toBe(true);
    expect(text).toMatchInlineSnapshot(`
      "             ドラゴンカード 梅田店
                           Osaka
      ------------------------------------------------
      2026/11/27(金) 12:04               No.NNN-NNNNNN
      レジ Register 1                       担当 Clerk
      ------------------------------------------------
      リザードン ex [A]
        ¥1,980 × 1点                            ¥1,980
      ※Ramune [A]
        ¥150 × 2点                                ¥300
      ------------------------------------------------
      小計 (3点)                                ¥2,280
      合計                                      ¥2,280
      (10%対象                   ¥1,980 内消費税 ¥180)
      (8%対象                       ¥300 内消費税 ¥22)
      ------------------------------------------------
      現金                                      ¥2,280
      お預り                                    ¥3,000
      お釣り                                      ¥720
      ------------------------------------------------
      ※は軽減税率対象商品です
      登録番号 T1234567890123
      "
    `);
    const reprint = (await clerk.get(`${shop.base}/sales/${sale.id}/receipt?format=text`)).body;
    expect(reprint).toContain('【再印刷】');
    const html = await clerk.get(`${shop.base}/sales/${sale.id}/receipt`);
    expect(html.headers['content-type']).toContain('text/html');
    const formal = await clerk.get(
      `${shop.base}/sales/${sale.id}/formal-receipt?addressee=${encodeURIComponent('株式会社テスト')}`,
    );
    expect(formal.body).toContain('株式会社テスト 様');
    expect(formal.body).not.toContain('収入<br>印紙');

    const [event] = (await outboxEvents<{ saleId: number }>(t.db, 'sales.completed')).filter(
      (e) => e.data.saleId === sale.id,
    );
    expect(JSON.stringify(event)).not.toContain('customer@example.com');
    await runHandler(t.db, handlers.receiptMail, event as EventEnvelope);
    const mail = await t.db
      .selectFrom('notification')
      .select(['recipient', 'kind', 'params'])
      .where('kind', '=', 'sales.receipt')
      .execute();
    expect(mail.filter((m) => m.recipient === 'customer@example.com')).toHaveLength(1);
  });
});
