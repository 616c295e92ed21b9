import { sql } from 'kysely';
import { NotFoundError } from '../../kernel/errors.ts';
import { toDbTime } from '../../kernel/time.ts';
import { publish } from '../../platform/bus/outbox.ts';
import {
  cachedQueryAnsweredLater,
  deferredQuery,
  insertRow,
  insertRowAnsweredLater,
} from '../../platform/db/statements.ts';
import { dialectOf } from '../../platform/db/ddl.ts';
import type { Tx } from '../../platform/db/transaction.ts';
import type { StoreContext } from '../tenancy/index.ts';
import { CashMovementSignError, InsufficientCashError, RegisterClosedError } from './errors.ts';
import { cashMoved } from './events.ts';
import type { CashMovementKind } from './tables.ts';
import './tables.ts';
import '../tenancy/tables.ts';

/** Who moves the cash: the tenant and the acting clerk (null for what the system does). */
export type CashActor = Pick<StoreContext, 'corporationId' | 'storeId'> & { actingStaffId: number | null };

export interface CashMovementInput {
  registerId: number;
  kind: CashMovementKind;
  /** Signed integer yen: into the drawer > 0, out of it < 0. The sign must agree with the kind. */
  amount: number;
  /** The document that caused it (`sale`, `return`, `cash_move`, `settlement`...) and its id. */
  sourceKind: string;
  sourceId?: string | number | null;
  reason?: string | null;
  /** Set by commands that accept an `Idempotency-Key`; unique per register. */
  idempotencyKey?: string | null;
}

export interface CashMovement {
  id: number;
  registerId: number;
  seq: number;
  businessDate: string;
  kind: CashMovementKind;
  amount: number;
  balanceAfter: number;
  sourceKind: string;
  sourceId: string | null;
  reason: string | null;
  staffId: number | null;
  occurredAt: string;
}

const inflows = new Set<CashMovementKind>(['sale', 'buy_refund', 'deposit', 'cash_in']);
const outflows = new Set<CashMovementKind>(['sale_refund', 'buy', 'deposit_refund', 'cash_out']);

/** Which way a kind moves money; the count corrections (open_adjust, close_reset) go either way. */
export function checkSign(kind: CashMovementKind, amount: number): void {
  const ok =
    Number.isSafeInteger(amount) &&
    amount !== 0 &&
    (inflows.has(kind) ? amount > 0 : outflows.has(kind) ? amount < 0 : true);
  if (!ok) throw new CashMovementSignError(kind, amount);
}

/** 404 for a register of another store (or tenant), else the register is known but closed. */
async function whyNotOpen(tx: Tx, ctx: Pick<CashActor, 'storeId'>, registerId: number): Promise<never> {
  const known = await tx
    .selectFrom('register')
    .select('id')
    .where('id', '=', registerId)
    .where('store_id', '=', ctx.storeId)
    .where('archived_at', 'is', null)
    .executeTakeFirst();
  if (!known) throw new NotFoundError('The register');
  throw new RegisterClosedError(registerId);
}

export interface OpenRegister {
  registerId: number;
  businessDate: string;
  openedAt: string;
  /** The drawer as locked by this transaction; recordCashMovement keeps them current. */
  balance: number;
  seq: number;
  /** With `{ receipt: true }`: the receipt number this transaction took (per register, never reused). */
  receiptNo: number;
}

/**
 * For the sales module, at the start of its transaction: throws 404 for a register that is not
 * this store's and 409 `register_closed` when it is closed. It takes the register's row lock until
 * the caller commits, so a close cannot slip in between this check and the sale's commit (a close
 * waits for the sale, then sees it in its figures). One register serves one customer at a time, so
 * serialising its own transactions costs nothing; different registers do not wait for each other.
 * `receipt: true` also takes the register's next receipt number with the lock.
 * The lock is taken by the first statement, before any the caller issues after calling; a caller
 * with a read of its own (the cart's prices) may issue it before awaiting this, and on MySQL the
 * two then cost one round trip.
 */
export async function assertRegisterOpen(
  tx: Tx,
  ctx: Pick<CashActor, 'storeId'>,
  registerId: number,
  opts: { receipt?: boolean } = {},
): Promise<OpenRegister> {
  // Once per sale, so both statements are built once (statements.ts). MySQL: the locking read
  // takes the row lock (SQLite: the transaction holds the one writer lock) and travels with the
  // caller's next statement; the bump that marks it (and takes the receipt number) is deferred.
  const mysql = dialectOf(tx) === 'mysql';
  const {
    rows: [r],
  } = await cachedQueryAnsweredLater(tx, 'registers.lockOpen', [registerId, ctx.storeId], () => {
    const q = tx
      .selectFrom('register_cash')
      .select(['status', 'business_date', 'opened_at', 'balance', 'seq', 'receipt_no'])
      .where('register_id', '=', registerId)
      .where('store_id', '=', ctx.storeId);
    return mysql ? q.forUpdate() : q;
  });
  if (r?.status !== 'open') return whyNotOpen(tx, ctx, registerId);
  await deferredQuery(tx, `registers.bump:${!!opts.receipt}`, [registerId], () =>
    tx
      .updateTable('register_cash')
      .set({
        lock_version: sql`lock_version + 1`,
        ...(opts.receipt && { receipt_no: sql`receipt_no + 1` }),
      })
      .where('register_id', '=', registerId),
  );
  return {
    registerId,
    businessDate: r.business_date!,
    openedAt: r.opened_at!,
    balance: Number(r.balance),
    seq: Number(r.seq),
    receiptNo: Number(r.receipt_no) + (opts.receipt ? 1 : 0),
  };
}

/** The conditional update for a caller that does not hold the register; the drawer after it. */
async function moveDrawer(tx: Tx, ctx: CashActor, input: CashMovementInput) {
  const updated = await tx
    .updateTable('register_cash')
    .set({ balance: sql`balance + ${input.amount}`, seq: sql`seq + 1` })
    .where('register_id', '=', input.registerId)
    .where('store_id', '=', ctx.storeId)
    .where('status', '=', 'open')
    .where(sql<boolean>`balance + ${input.amount} >= 0`)
    .executeTakeFirst();
  const after = await tx
    .selectFrom('register_cash')
    .select(['balance', 'seq', 'business_date', 'status'])
    .where('register_id', '=', input.registerId)
    .where('store_id', '=', ctx.storeId)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) {
    if (after?.status === 'open')
      throw new InsufficientCashError(input.registerId, Number(after.balance), input.amount);
    return whyNotOpen(tx, ctx, input.registerId);
  }
  return { balance: Number(after!.balance), seq: Number(after!.seq), businessDate: after!.business_date! };
}

/**
 * The register is this transaction's (open, locked): its drawer is known, so only the write remains,
 * issued at the call (`written` settles when it has been taken; a failure fails the unit).
 */
function moveLockedDrawer(tx: Tx, locked: OpenRegister, input: CashMovementInput) {
  if (locked.registerId !== input.registerId)
    throw new Error(`recordCashMovement: register ${input.registerId} is not the one locked`);
  const balance = locked.balance + input.amount;
  if (balance < 0) throw new InsufficientCashError(input.registerId, locked.balance, input.amount);
  const written = deferredQuery(tx, 'registers.setDrawer', [balance, locked.seq + 1, input.registerId], () =>
    tx
      .updateTable('register_cash')
      .set({ balance, seq: locked.seq + 1 })
      .where('register_id', '=', input.registerId),
  );
  locked.balance = balance;
  locked.seq += 1;
  return { after: { balance, seq: locked.seq, businessDate: locked.businessDate }, written };
}

/**
 * The only way cash enters or leaves a drawer, in the caller's transaction: one atomic conditional
 * update of the register's balance (open register, never below zero), then a ledger row with the
 * balance after and the next sequence number, then `registers.cash_moved` in the outbox. Sales,
 * returns and buy-ins call it for their cash part; cash in/out and the open/close counts use it too.
 * A caller holding the register (`locked`, from assertRegisterOpen in this transaction) already
 * knows the drawer: the balance is checked in memory, and both writes are issued before this
 * returns — the caller may issue a statement of its own before awaiting, and on MySQL the
 * movement's insert then travels with it (mysql-pipeline.ts).
 */
export async function recordCashMovement(
  tx: Tx,
  ctx: CashActor,
  input: CashMovementInput,
  locked?: OpenRegister,
): Promise<CashMovement> {
  checkSign(input.kind, input.amount);
  const drawer = locked
    ? moveLockedDrawer(tx, locked, input)
    : { after: await moveDrawer(tx, ctx, input), written: undefined };
  const { after } = drawer;
  const now = toDbTime(new Date());
  const row = {
    corporation_id: ctx.corporationId,
    store_id: ctx.storeId,
    register_id: input.registerId,
    seq: after.seq,
    business_date: after.businessDate,
    kind: input.kind,
    amount: input.amount,
    balance_after: after.balance,
    source_kind: input.sourceKind,
    source_id: input.sourceId == null ? null : String(input.sourceId),
    reason: input.reason?.slice(0, 200) ?? null,
    staff_id: ctx.actingStaffId,
    idempotency_key: input.idempotencyKey ?? null,
    occurred_at: now,
  };
  const id = locked ? insertRowAnsweredLater(tx, 'cash_movement', row) : insertRow(tx, 'cash_movement', row);
  await drawer.written;
  const movement: CashMovement = {
    id: await id,
    registerId: input.registerId,
    seq: row.seq,
    businessDate: row.business_date,
    kind: row.kind,
    amount: row.amount,
    balanceAfter: row.balance_after,
    sourceKind: row.source_kind,
    sourceId: row.source_id,
    reason: row.reason,
    staffId: row.staff_id,
    occurredAt: now,
  };
  await publish(
    tx,
    cashMoved.build({
      corporationId: ctx.corporationId,
      storeId: ctx.storeId,
      key: `register:${input.registerId}`,
      data: {
        registerId: input.registerId,
        movementId: movement.id,
        kind: movement.kind,
        amount: movement.amount,
        balanceAfter: movement.balanceAfter,
        sourceKind: movement.sourceKind,
        sourceId: movement.sourceId,
      },
    }),
  );
  return movement;
}

type MovementRow = {
  id: number;
  register_id: number;
  seq: number;
  business_date: string;
  kind: CashMovementKind;
  amount: number;
  balance_after: number;
  source_kind: string;
  source_id: string | null;
  reason: string | null;
  staff_id: number | null;
  occurred_at: string;
};

export function toMovement(r: MovementRow): CashMovement {
  return {
    id: Number(r.id),
    registerId: Number(r.register_id),
    seq: Number(r.seq),
    businessDate: r.business_date,
    kind: r.kind,
    amount: Number(r.amount),
    balanceAfter: Number(r.balance_after),
    sourceKind: r.source_kind,
    sourceId: r.source_id,
    reason: r.reason,
    staffId: r.staff_id == null ? null : Number(r.staff_id),
    occurredAt: r.occurred_at,
  };
}

export const movementColumns = [
  'id',
  'register_id',
  'seq',
  'business_date',
  'kind',
  'amount',
  'balance_after',
  'source_kind',
  'source_id',
  'reason',
  'staff_id',
  'occurred_at',
] as const;
