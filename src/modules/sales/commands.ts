import { sql } from 'kysely';
import { NotFoundError, ValidationError } from '../../kernel/errors.ts';
import { formatYen } from '../../kernel/money.ts';
import type { Outcome } from '../../kernel/outcome.ts';
import { toDbTime } from '../../kernel/time.ts';
import { publish } from '../../platform/bus/outbox.ts';
import type { Db } from '../../platform/db/connect.ts';
import { alongside, insertRow, insertRowAnsweredLater, insertRows } from '../../platform/db/statements.ts';
import { withTransaction, type Tx } from '../../platform/db/transaction.ts';
import { lockStock, moveStocks, OutOfStockError, type LockedStock } from '../inventory/index.ts';
import { assertRegisterOpen, recordCashMovement, registerOf, type OpenRegister } from '../registers/index.ts';
import { recordAudit, type StoreContext } from '../tenancy/index.ts';
import {
  loadCart,
  priceCart,
  saleTotalsRow,
  storeCart,
  insertLines,
  type CartInput,
  type PricedCart,
} from './cart.ts';
import {
  AlreadyReturnedError,
  EmptyCartError,
  IdempotencyKeyReusedError,
  LineOutOfStockError,
  NotReturnableError,
  RegisterRequiredError,
  SaleNotOpenError,
} from './errors.ts';
import { saleCompleted, saleReturned } from './events.ts';
import { providerFor } from './payment-providers.ts';
import { planPayment, PaymentRejected, type PaymentInput, type PaymentPlan } from './payment-rules.ts';
import { readSale, saleView, type SaleLineRow, type SaleRow, type SaleView } from './queries.ts';
import type { PaymentMethod } from './receipt.ts';
import type { SaleKind } from './tables.ts';
import './tables.ts';

export interface PayInput {
  payment: PaymentInput;
  receiptEmail?: string | null | undefined;
  idempotencyKey?: string | null | undefined;
}

/** The register a command acts on: the sales-mode session's, or the one named (they must agree). */
export function registerFor(ctx: StoreContext, named: number | undefined): number {
  if (named !== undefined && ctx.registerId !== null && named !== ctx.registerId)
    throw new ValidationError([
      {
        field: 'registerId',
        code: 'register_mismatch',
        message: `this session sells on register ${ctx.registerId}`,
      },
    ]);
  const id = named ?? ctx.registerId;
  if (id == null) throw new RegisterRequiredError();
  return id;
}

const now = () => toDbTime(new Date());

function emptySaleRow(ctx: StoreContext, registerId: number, kind: SaleKind, at: string) {
  return {
    corporation_id: ctx.corporationId,
    store_id: ctx.storeId,
    register_id: registerId,
    kind,
    status: 'draft' as const,
    number: null,
    business_date: null,
    staff_id: ctx.actingStaffId,
    customer_id: null,
    completed_by: null,
    return_of_sale_id: null,
    returned_by_sale_id: null,
    return_reason: null,
    tax_mode: 'inclusive' as const,
    tax_rounding: 'down' as const,
    subtotal: 0,
    line_discounts: 0,
    cart_discount: 0,
    cart_discount_kind: null,
    cart_discount_value: null,
    tax: 0,
    total: 0,
    items: 0,
    tendered: null,
    change_given: null,
    receipt_email: null,
    printed_count: 0,
    idempotency_key: null,
    created_at: at,
    updated_at: at,
    completed_at: null,
  };
}

/** A new cart on a register of this store (drafts take no stock: completion does). */
export async function createDraft(
  db: Db,
  ctx: StoreContext,
  input: { registerId?: number | undefined; cart?: CartInput | undefined },
): Promise<SaleView> {
  const registerId = registerFor(ctx, input.registerId);
  const saleId = await withTransaction(db, async (tx) => {
    await registerOf(tx, ctx, registerId);
    const at = now();
    const r = await tx
      .insertInto('sale')
      .values(emptySaleRow(ctx, registerId, 'sale', at))
      .executeTakeFirstOrThrow();
    const id = Number(r.insertId);
    await storeCart(tx, id, ctx.storeId, await priceCart(tx, ctx, input.cart ?? { lines: [] }), at);
    return id;
  });
  return (await readSale(db, ctx.storeId, saleId))!;
}

/**
 * Locks a draft or held sale of this store (a conditional UPDATE, the portable row lock) or says
 * why it cannot change: 404 for another store's id, 409 `sale_not_open` for a finished one.
 */
async function lockOpenSale(
  tx: Tx,
  ctx: StoreContext,
  saleId: number,
  set: { register_id?: number; status?: 'draft' | 'held' | 'cancelled' } = {},
) {
  const res = await tx
    .updateTable('sale')
    .set({ ...set, updated_at: now() })
    .where('id', '=', saleId)
    .where('store_id', '=', ctx.storeId)
    .where('kind', '=', 'sale')
    .where('status', 'in', ['draft', 'held'])
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) === 1) return;
  const s = await tx
    .selectFrom('sale')
    .select('status')
    .where('id', '=', saleId)
    .where('store_id', '=', ctx.storeId)
    .executeTakeFirst();
  if (!s) throw new NotFoundError('The sale');
  throw new SaleNotOpenError(saleId, s.status);
}

/** Replaces the cart of a draft (or resumes a held one with it): prices and totals from the server. */
export async function replaceCart(
  db: Db,
  ctx: StoreContext,
  saleId: number,
  cart: CartInput,
): Promise<SaleView> {
  await withTransaction(db, async (tx) => {
    await lockOpenSale(tx, ctx, saleId, { status: 'draft' });
    await storeCart(tx, saleId, ctx.storeId, await priceCart(tx, ctx, cart), now());
  });
  return (await readSale(db, ctx.storeId, saleId))!;
}

/** Puts a cart aside (保留) or takes it back, or cancels it; none of these touch stock or cash. */
export async function setCartStatus(
  db: Db,
  ctx: StoreContext,
  saleId: number,
  status: 'draft' | 'held' | 'cancelled',
): Promise<SaleView> {
  await withTransaction(db, (tx) => lockOpenSale(tx, ctx, saleId, { status }));
  return (await readSale(db, ctx.storeId, saleId))!;
}

/** A sale or return already made with this key, or null; a key used for another sale is an error. */
async function replayOf(
  db: Db,
  ctx: StoreContext,
  key: string | null | undefined,
  expect: (s: { id: number; kind: string; return_of_sale_id: number | null }) => boolean,
) {
  if (!key) return null;
  const s = await db
    .selectFrom('sale')
    .select(['id', 'kind', 'return_of_sale_id'])
    .where('store_id', '=', ctx.storeId)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
  if (!s) return null;
  const found = {
    id: Number(s.id),
    kind: s.kind,
    return_of_sale_id: s.return_of_sale_id == null ? null : Number(s.return_of_sale_id),
  };
  if (!expect(found)) throw new IdempotencyKeyReusedError();
  return (await readSale(db, ctx.storeId, found.id))!;
}

/**
 * Runs a completing command (complete, checkout, return) in one transaction on the register where
 * the clerk stands. The register is locked first and gives the receipt number — every completing
 * command takes its locks in this order. A twin request with the same key that committed first is
 * replayed.
 */
async function completing(
  db: Db,
  ctx: StoreContext,
  input: { registerId?: number | undefined; idempotencyKey?: string | null | undefined },
  expect: Parameters<typeof replayOf>[3],
  work: (tx: Tx, register: Promise<OpenRegister>) => Promise<SaleView>,
): Promise<Outcome<SaleView>> {
  const registerId = registerFor(ctx, input.registerId);
  const key = input.idempotencyKey;
  const earlier = await replayOf(db, ctx, key, expect);
  if (earlier) return { value: earlier, replayed: true };
  try {
    // Read committed: a sale locks its products and their cost layers, and under repeatable read
    // that locking read also locks index gaps, on which concurrent sales deadlock.
    const value = await withTransaction(
      db,
      (tx) => {
        // Locked by the first statement; work awaits it after issuing a read of its own, if any.
        const register = assertRegisterOpen(tx, ctx, registerId, { receipt: true });
        return alongside(register, () => work(tx, register));
      },
      { isolation: 'read committed' },
    );
    return { value, replayed: false };
  } catch (err) {
    // A twin request with the same key committed first (it held the register while this one
    // waited, so this one fails on the finished sale or on the unique key): answer as the twin did.
    if (key) {
      const twin = await replayOf(db, ctx, key, expect);
      if (twin) return { value: twin, replayed: true };
    }
    throw err;
  }
}

function plan(total: number, payment: PaymentInput): PaymentPlan {
  try {
    return planPayment(total, payment);
  } catch (err) {
    if (err instanceof PaymentRejected)
      throw new ValidationError(
        err.errors.map((e) => ({ ...e, field: `payment.${e.field}` })),
        'The payment does not cover the sale.',
      );
    throw err;
  }
}

/** The receipt number the register's lock gave this transaction: `<register>-<seq>`. */
function receiptNumber(register: OpenRegister): string {
  return `${String(register.registerId).padStart(3, '0')}-${String(register.receiptNo).padStart(6, '0')}`;
}

function stockContext(ctx: StoreContext) {
  return { corporationId: ctx.corporationId, storeId: ctx.storeId, staffId: ctx.actingStaffId };
}

/**
 * Stock for every line in one batch (inventory locks the products in id order, so two sales of the
 * same products cannot deadlock). Out: negative quantities; a return puts them back at `costs`.
 * Returns the cost of each line's units, index-aligned with the cart.
 */
async function moveLines(
  tx: Tx,
  ctx: StoreContext,
  saleId: number,
  cart: PricedCart,
  direction: -1 | 1,
  costs: readonly (number | null)[] = [],
  lockedAhead?: LockedStock,
): Promise<number[]> {
  try {
    const moved = await moveStocks(
      tx,
      stockContext(ctx),
      cart.lines.map((l, i) => ({
        productId: l.productId,
        quantity: direction * l.quantity,
        source: { kind: direction < 0 ? 'sale' : 'return', id: saleId },
        unitPrice: l.unitPrice,
        ...(direction > 0 && costs[i] != null && { unitCost: Math.round(costs[i]! / l.quantity) }),
      })),
      lockedAhead,
    );
    return moved.map((m) => m.cost);
  } catch (err) {
    if (err instanceof OutOfStockError) {
      const e = err.extra as { productId: number; requested: number; available: number };
      const l = cart.lines.find((x) => x.productId === e.productId)!;
      throw new LineOutOfStockError(
        l.productId,
        l.name + (l.detail ? ` [${l.detail}]` : ''),
        e.requested,
        e.available,
      );
    }
    throw err;
  }
}

type Payment = { method: PaymentMethod; amount: number; reference: string | null };

/**
 * The cash part of a sale ('in') or of a return's refunds ('out') through the drawer's ledger (the
 * register is this transaction's). Its statements are issued at the call, so the caller issues it
 * ahead of the stock batch (`alongside`): on MySQL the movement then travels with the ledger's insert.
 */
function takeCash(
  tx: Tx,
  ctx: StoreContext,
  register: OpenRegister,
  saleId: number,
  direction: 'in' | 'out',
  payments: Payment[],
): Promise<unknown> {
  const cash = payments.filter((p) => p.method === 'cash').reduce((s, p) => s + p.amount, 0);
  if (cash <= 0) return Promise.resolve();
  const sign = direction === 'in' ? 1 : -1;
  return recordCashMovement(
    tx,
    ctx,
    {
      registerId: register.registerId,
      kind: direction === 'in' ? 'sale' : 'sale_refund',
      amount: sign * cash,
      sourceKind: direction === 'in' ? 'sale' : 'return',
      sourceId: saleId,
    },
    register,
  );
}

/**
 * Records the payments of a sale ('in') or the refunds of a return ('out', stored negative), each
 * non-cash one confirmed by its provider (the cash goes through takeCash). Returns the rows written.
 */
async function recordPayments(
  tx: Tx,
  ctx: StoreContext,
  register: OpenRegister,
  saleId: number,
  direction: 'in' | 'out',
  payments: Payment[],
) {
  const at = now();
  const sign = direction === 'in' ? 1 : -1;
  const rows = [];
  for (const p of payments) {
    let reference: string | null = null;
    if (p.method !== 'cash') {
      const provider = providerFor(p.method);
      const charge = {
        storeId: ctx.storeId,
        saleId,
        method: p.method,
        amount: p.amount,
        reference: p.reference,
      };
      ({ reference } = await (direction === 'in' ? provider.confirm(charge) : provider.refund(charge)));
    }
    rows.push({
      sale_id: saleId,
      store_id: ctx.storeId,
      register_id: register.registerId,
      method: p.method,
      amount: sign * p.amount,
      reference,
      business_date: register.businessDate,
      occurred_at: at,
    });
  }
  await insertRows(tx, 'sale_payment', rows, { deferred: true });
  return rows;
}

async function insertTaxes(tx: Tx, storeId: number, saleId: number, cart: PricedCart) {
  const rows = cart.totals.rates.map((r) => ({
    sale_id: saleId,
    category: r.category,
    store_id: storeId,
    rate_bp: r.rateBp,
    tax_included: r.taxIncluded,
    tax_excluded: r.taxExcluded,
    tax: r.tax,
  }));
  if (rows.length) await insertRows(tx, 'sale_tax', rows, { deferred: true });
  return rows;
}

/** What completion writes on the sale row: the receipt number, the day, who, and the money. */
function completion(ctx: StoreContext, register: OpenRegister, payment: PaymentPlan, input: PayInput) {
  const at = now();
  return {
    status: 'completed' as const,
    register_id: register.registerId,
    number: receiptNumber(register),
    business_date: register.businessDate,
    completed_by: ctx.actingStaffId,
    tendered: payment.tendered,
    change_given: payment.change,
    receipt_email: input.receiptEmail ?? null,
    idempotency_key: input.idempotencyKey ?? null,
    completed_at: at,
    updated_at: at,
  };
}

/**
 * Takes the money and the stock for a cart whose sale row already says completed, inside the
 * caller's transaction, which holds the register's lock: stock out through the ledger, the lines
 * (new, or the stored ones given their cost), payments, the cash into the drawer, tax per rate, and
 * `sales.completed` — all or nothing. Returns the sale as written.
 */
async function settle(
  tx: Tx,
  ctx: StoreContext,
  sale: SaleRow,
  register: OpenRegister,
  cart: PricedCart,
  payment: PaymentPlan,
  input: PayInput,
  storedLines: SaleLineRow[] | null,
  lockedStock?: LockedStock,
): Promise<SaleView> {
  const saleId = Number(sale.id);
  const paying = payment.payments.map((p) => ({
    ...p,
    reference: p.method === 'cash' ? null : (input.payment.other?.reference ?? null),
  }));
  // The drawer's movement goes ahead of the stock batch: on MySQL it travels with the ledger's insert.
  const lines = await alongside(takeCash(tx, ctx, register, saleId, 'in', paying), async () => {
    const costs = await moveLines(tx, ctx, saleId, cart, -1, [], lockedStock);
    if (!storedLines) return insertLines(tx, saleId, ctx.storeId, cart, costs);
    await tx
      .updateTable('sale_line')
      .set({
        cost: sql<number>`case line_no ${sql.join(
          costs.map((c, i) => sql`when ${i + 1} then ${c}`),
          sql` `,
        )} end`,
      })
      .where('sale_id', '=', saleId)
      .execute();
    return storedLines.map((l, i) => ({ ...l, cost: costs[i]! }));
  });
  const payments = await recordPayments(tx, ctx, register, saleId, 'in', paying);
  const taxes = await insertTaxes(tx, ctx.storeId, saleId, cart);
  await publish(
    tx,
    saleCompleted.build({
      corporationId: ctx.corporationId,
      storeId: ctx.storeId,
      key: `register:${register.registerId}`,
      data: {
        saleId,
        number: sale.number!,
        registerId: register.registerId,
        businessDate: register.businessDate,
        total: cart.totals.total,
        tax: cart.totals.tax,
        items: cart.lines.reduce((n, l) => n + l.quantity, 0),
        payments: payment.payments,
        returnOfSaleId: null,
        customerId: cart.customerId,
        receiptRequested: !!input.receiptEmail,
      },
    }),
  );
  return saleView(sale, lines, taxes, payments);
}

/** The payment plan for a cart, or why it cannot be paid (an empty cart, too little money). */
function planFor(cart: PricedCart, input: PayInput): PaymentPlan {
  if (cart.lines.length === 0) throw new EmptyCartError();
  return plan(cart.totals.total, input.payment);
}

/** Pays a draft or held cart. The same Idempotency-Key again returns the first result. */
export async function completeSale(
  db: Db,
  ctx: StoreContext,
  saleId: number,
  input: PayInput & { registerId?: number | undefined },
): Promise<Outcome<SaleView>> {
  return completing(
    db,
    ctx,
    input,
    (s) => s.id === saleId,
    async (tx, registerLock) => {
      const register = await registerLock;
      await lockOpenSale(tx, ctx, saleId);
      const stored = await tx
        .selectFrom('sale')
        .selectAll()
        .where('id', '=', saleId)
        .executeTakeFirstOrThrow();
      const cart = await loadCart(tx, stored);
      const payment = planFor(cart, input);
      const done = { ...saleTotalsRow(cart), ...completion(ctx, register, payment, input) };
      await tx.updateTable('sale').set(done).where('id', '=', saleId).execute();
      return settle(tx, ctx, { ...stored, ...done }, register, cart, payment, input, cart.rows);
    },
  );
}

/** Cart and payment in one request (a quick sale, and what the checkout benchmark drives). */
export async function checkout(
  db: Db,
  ctx: StoreContext,
  input: PayInput & { registerId?: number | undefined; cart: CartInput },
): Promise<Outcome<SaleView>> {
  return completing(
    db,
    ctx,
    input,
    (s) => s.kind === 'sale' && s.return_of_sale_id === null,
    async (tx, registerLock) => {
      // The prices are read in the register lock's round trip.
      const cart = await priceCart(tx, ctx, input.cart);
      const register = await registerLock;
      const payment = planFor(cart, input);
      // Written once, completed: the transaction commits all of it or none.
      const row = {
        ...emptySaleRow(ctx, register.registerId, 'sale', now()),
        ...saleTotalsRow(cart),
        ...completion(ctx, register, payment, input),
      };
      // The sale row and the stock's row locks in one round trip (MySQL); the ledger names the sale.
      const saleId = insertRowAnsweredLater(tx, 'sale', row);
      const stock = await lockStock(
        tx,
        stockContext(ctx),
        cart.lines.map((l) => l.productId),
      );
      const id = await saleId;
      return settle(tx, ctx, { ...row, id }, register, cart, payment, input, null, stock);
    },
  );
}

/**
 * Returns a completed sale as a whole, once, as a new `return` transaction on the register where
 * the customer stands: stock back through the ledger (at the cost it left with), each payment
 * refunded by its method — cash out of this drawer — and `sales.returned`. Audited.
 */
export async function returnSale(
  db: Db,
  ctx: StoreContext,
  saleId: number,
  input: { registerId?: number | undefined; reason: string; idempotencyKey?: string | null | undefined },
): Promise<Outcome<SaleView>> {
  return completing(
    db,
    ctx,
    input,
    (s) => s.return_of_sale_id === saleId,
    async (tx, registerLock) => {
      const register = await registerLock;
      const at = now();
      const claimed = await tx
        .updateTable('sale')
        .set({ updated_at: at })
        .where('id', '=', saleId)
        .where('store_id', '=', ctx.storeId)
        .where('kind', '=', 'sale')
        .where('status', '=', 'completed')
        .where('returned_by_sale_id', 'is', null)
        .executeTakeFirst();
      const original = await tx
        .selectFrom('sale')
        .selectAll()
        .where('id', '=', saleId)
        .where('store_id', '=', ctx.storeId)
        .executeTakeFirst();
      if (!original) throw new NotFoundError('The sale');
      if (Number(claimed.numUpdatedRows) !== 1) {
        if (original.returned_by_sale_id != null)
          throw new AlreadyReturnedError(saleId, Number(original.returned_by_sale_id));
        throw new NotReturnableError(saleId);
      }
      const cart = await loadCart(tx, original);
      const paid = await tx
        .selectFrom('sale_payment')
        .select(['method', 'amount', 'reference'])
        .where('sale_id', '=', saleId)
        .execute();
      const number = receiptNumber(register);
      const row = {
        ...emptySaleRow(ctx, register.registerId, 'return', at),
        ...saleTotalsRow(cart),
        return_of_sale_id: saleId,
        return_reason: input.reason,
        status: 'completed' as const,
        number,
        business_date: register.businessDate,
        completed_by: ctx.actingStaffId,
        idempotency_key: input.idempotencyKey ?? null,
        completed_at: at,
      };
      const returnId = await insertRow(tx, 'sale', row);
      const refunding = paid.map((p) => ({
        method: p.method as PaymentMethod,
        amount: Number(p.amount),
        reference: p.reference,
      }));
      const lines = await alongside(takeCash(tx, ctx, register, returnId, 'out', refunding), async () => {
        await moveLines(tx, ctx, returnId, cart, 1, cart.costs);
        // A return's lines carry the cost the units left with: the day's gross margin nets to zero.
        return insertLines(tx, returnId, ctx.storeId, cart, cart.costs);
      });
      const refunds = await recordPayments(tx, ctx, register, returnId, 'out', refunding);
      const taxes = await insertTaxes(tx, ctx.storeId, returnId, cart);
      await tx.updateTable('sale').set({ returned_by_sale_id: returnId }).where('id', '=', saleId).execute();
      await recordAudit(tx, ctx, {
        action: 'sales.return',
        targetType: 'sale',
        targetId: saleId,
        summary: `Returned sale No.${original.number} (${formatYen(Number(original.total))}) as No.${number}: ${input.reason}`,
      });
      await publish(
        tx,
        saleReturned.build({
          corporationId: ctx.corporationId,
          storeId: ctx.storeId,
          key: `register:${register.registerId}`,
          data: {
            saleId: returnId,
            number,
            registerId: register.registerId,
            businessDate: register.businessDate,
            total: cart.totals.total,
            tax: cart.totals.tax,
            items: cart.lines.reduce((n, l) => n + l.quantity, 0),
            payments: refunds.map((p) => ({ method: p.method, amount: p.amount })),
            returnOfSaleId: saleId,
            customerId: cart.customerId,
            receiptRequested: false,
          },
        }),
      );
      return saleView({ ...row, id: returnId }, lines, taxes, refunds);
    },
  );
}
