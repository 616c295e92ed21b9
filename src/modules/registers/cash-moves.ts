import { AppError } from '../../kernel/errors.ts';
import { formatYen } from '../../kernel/money.ts';
import type { Db } from '../../platform/db/connect.ts';
import { isUniqueViolation } from '../../platform/db/errors.ts';
import { withTransaction, type Tx } from '../../platform/db/transaction.ts';
import { recordAudit, type StoreContext } from '../tenancy/index.ts';
import { movementColumns, recordCashMovement, toMovement, type CashMovement } from './ledger.ts';
import { lockRegister, registerOf } from './locks.ts';
import type { Outcome } from '../../kernel/outcome.ts';

export interface CashMoveInput {
  /** 入金 (in: change from the safe) or 出金 (out: to the bank, a supplier paid in cash...). */
  direction: 'in' | 'out';
  /** Positive yen. */
  amount: number;
  reason: string;
  idempotencyKey?: string | null;
}

async function byKey(tx: Tx | Db, registerId: number, key: string): Promise<CashMovement | null> {
  const r = await tx
    .selectFrom('cash_movement')
    .select(movementColumns)
    .where('register_id', '=', registerId)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
  if (!r) return null;
  if (r.source_kind !== 'cash_move')
    throw new AppError(422, 'idempotency_key_reused', 'This Idempotency-Key was used for another request.');
  return toMovement(r);
}

/** 入出金 with a reason, by a clerk, on an open register; audited. Retries with the same key replay. */
export async function moveCash(
  db: Db,
  ctx: StoreContext,
  registerId: number,
  input: CashMoveInput,
): Promise<Outcome<CashMovement>> {
  const key = input.idempotencyKey ?? null;
  try {
    return await withTransaction(db, async (tx) => {
      await lockRegister(tx, ctx, registerId);
      const earlier = key ? await byKey(tx, registerId, key) : null;
      if (earlier) return { value: earlier, replayed: true };
      const register = await registerOf(tx, ctx, registerId);
      const movement = await recordCashMovement(tx, ctx, {
        registerId,
        kind: input.direction === 'in' ? 'cash_in' : 'cash_out',
        amount: input.direction === 'in' ? input.amount : -input.amount,
        sourceKind: 'cash_move',
        reason: input.reason,
        idempotencyKey: key,
      });
      await recordAudit(tx, ctx, {
        action: input.direction === 'in' ? 'cash.in' : 'cash.out',
        targetType: 'register',
        targetId: registerId,
        summary: `Cash ${input.direction} ${formatYen(input.amount)} at "${register.name}": ${input.reason}`,
      });
      return { value: movement, replayed: false };
    });
  } catch (err) {
    // A twin request with the same key committed first (the register lock normally prevents this).
    if (key && isUniqueViolation(err)) {
      const earlier = await byKey(db, registerId, key);
      if (earlier) return { value: earlier, replayed: true };
    }
    throw err;
  }
}
