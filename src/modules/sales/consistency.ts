import { toDbTime } from '../../kernel/time.ts';
import { withTransaction } from '../../platform/db/transaction.ts';
import { auditRepair, defineCheck } from '../consistency/check.ts';
import './tables.ts';

/** A cart untouched this long is abandoned (a clerk who walked away, a browser that crashed). */
export const STALE_CART_HOURS = 24;

/**
 * Carts (drafts or held) nobody has touched for a day. They hold no stock or cash (completion
 * takes both), but they clutter the resume list and may hide a sale that was paid and never
 * completed. The repair cancels them, each noted in the audit log.
 */
export const staleCartsCheck = defineCheck({
  name: 'sales.stale_carts',
  severity: 'warning',
  description: `draft or held sales untouched for ${STALE_CART_HOURS} hours`,
  async find({ db, now }) {
    const rows = await db
      .selectFrom('sale')
      .select(['id', 'corporation_id', 'store_id', 'register_id', 'status', 'total', 'updated_at'])
      .where('status', 'in', ['draft', 'held'])
      .where('updated_at', '<', toDbTime(new Date(now.getTime() - STALE_CART_HOURS * 3600_000)))
      .orderBy('id')
      .limit(1000)
      .execute();
    return rows.map((r) => ({
      corporationId: Number(r.corporation_id),
      storeId: Number(r.store_id),
      saleId: Number(r.id),
      registerId: Number(r.register_id),
      status: r.status,
      total: Number(r.total),
      updatedAt: r.updated_at,
    }));
  },
  async repair({ db, now }, findings) {
    let fixed = 0;
    for (const f of findings) {
      await withTransaction(db, async (tx) => {
        // Only if nobody resumed it meanwhile.
        const res = await tx
          .updateTable('sale')
          .set({ status: 'cancelled', updated_at: toDbTime(now) })
          .where('id', '=', f.saleId as number)
          .where('status', 'in', ['draft', 'held'])
          .where('updated_at', '=', f.updatedAt as string)
          .executeTakeFirst();
        if (Number(res.numUpdatedRows) !== 1) return;
        await auditRepair(
          tx,
          { corporationId: f.corporationId!, storeId: f.storeId! },
          { type: 'sale', id: f.saleId as number },
          `Cancelled a ${f.status as string} cart untouched since ${f.updatedAt as string}`,
        );
        fixed++;
      });
    }
    return fixed;
  },
});
