import { auditRepair, defineCheck } from '../consistency/check.ts';
import { sql } from 'kysely';
import type { Db } from '../../platform/db/connect.ts';
import { withTransaction } from '../../platform/db/transaction.ts';
import './tables.ts';

export interface CashMismatch {
  registerId: number;
  problem: 'balance_not_ledger_sum' | 'seq_not_row_count' | 'broken_chain';
  detail: string;
}

/**
 * The cash invariants, for job-ensure-consistency and tests: each register's balance equals the
 * sum of its ledger, its seq equals its row count (no gaps), and every row's balance-after equals
 * the previous row's plus its amount. Read-only; a finding is reported, never repaired here.
 */
export async function findCashMismatches(db: Db, scope: { storeId?: number } = {}): Promise<CashMismatch[]> {
  let totals = db
    .selectFrom('register_cash as c')
    .leftJoin('cash_movement as m', 'm.register_id', 'c.register_id')
    .select(['c.register_id', 'c.balance', 'c.seq'])
    .select((eb) => [
      eb.fn.coalesce(eb.fn.sum<number>('m.amount'), sql<number>`0`).as('total'),
      eb.fn.count<number>('m.id').as('rows'),
    ])
    .groupBy(['c.register_id', 'c.balance', 'c.seq']);
  if (scope.storeId) totals = totals.where('c.store_id', '=', scope.storeId);
  const out: CashMismatch[] = [];
  for (const t of await totals.execute()) {
    const registerId = Number(t.register_id);
    if (Number(t.total) !== Number(t.balance))
      out.push({
        registerId,
        problem: 'balance_not_ledger_sum',
        detail: `balance ${t.balance}, ledger sum ${t.total}`,
      });
    if (Number(t.rows) !== Number(t.seq))
      out.push({ registerId, problem: 'seq_not_row_count', detail: `seq ${t.seq}, ${t.rows} rows` });
  }
  // Window functions: SQLite ≥ 3.25, MariaDB ≥ 10.2 and MySQL 8 all have LAG (MariaDB without its default argument).
  const broken = await sql<{ register_id: number; seq: number }>`
    select register_id, seq from (
      select register_id, seq, balance_after, amount,
             coalesce(lag(balance_after) over (partition by register_id order by seq), 0) as prev
      from cash_movement
      ${scope.storeId ? sql`where store_id = ${scope.storeId}` : sql``}
    ) x
    where balance_after <> prev + amount`.execute(db);
  for (const b of broken.rows)
    out.push({
      registerId: Number(b.register_id),
      problem: 'broken_chain',
      detail: `row seq ${b.seq} does not follow from the previous balance`,
    });
  return out;
}

/**
 * job-ensure-consistency's view of the cash ledger. Every movement is a ledger row, so a balance
 * that differs from the ledger's sum was written around recordCashMovement: the repair puts it
 * back to the sum, in the audit log. A broken chain or a gap in it is only reported: rows are
 * history, and a person must find out what happened.
 */
export const cashLedgerCheck = defineCheck({
  name: 'registers.cash_ledger',
  severity: 'critical',
  description: 'register cash that differs from the sum of its cash ledger, or a broken balance chain',
  async find({ db }) {
    const mismatches = await findCashMismatches(db);
    if (mismatches.length === 0) return [];
    const registers = await db
      .selectFrom('register')
      .select(['id', 'corporation_id', 'store_id'])
      .where('id', 'in', [...new Set(mismatches.map((m) => m.registerId))])
      .execute();
    const byId = new Map(registers.map((r) => [Number(r.id), r]));
    return mismatches.map((m) => ({
      corporationId: Number(byId.get(m.registerId)?.corporation_id ?? 0) || null,
      storeId: Number(byId.get(m.registerId)?.store_id ?? 0) || null,
      ...m,
    }));
  },
  async repair({ db }, findings) {
    let fixed = 0;
    for (const f of findings.filter((x) => x.problem === 'balance_not_ledger_sum')) {
      await withTransaction(db, async (tx) => {
        const registerId = f.registerId as number;
        const sum = await tx
          .selectFrom('cash_movement')
          .select((e) => e.fn.coalesce(e.fn.sum<number>('amount'), sql<number>`0`).as('total'))
          .where('register_id', '=', registerId)
          .executeTakeFirstOrThrow();
        const before = await tx
          .selectFrom('register_cash')
          .select('balance')
          .where('register_id', '=', registerId)
          .executeTakeFirstOrThrow();
        const res = await tx
          .updateTable('register_cash')
          .set({ balance: Number(sum.total) })
          .where('register_id', '=', registerId)
          .where('balance', '=', Number(before.balance))
          .executeTakeFirst();
        if (Number(res.numUpdatedRows) !== 1 || Number(before.balance) === Number(sum.total)) return;
        await auditRepair(
          tx,
          { corporationId: f.corporationId!, storeId: f.storeId! },
          { type: 'register', id: registerId },
          `Drawer balance ${Number(before.balance)} restored to its cash ledger sum ${Number(sum.total)}`,
        );
        fixed++;
      });
    }
    return fixed;
  },
});
