import { toDbTime } from '../../kernel/time.ts';
import type { Db } from '../../platform/db/connect.ts';
import type { Tx } from '../../platform/db/transaction.ts';
import type { ActorContext } from './access.ts';
import './tables.ts';

export interface AuditEntry {
  action: string;
  targetType: string;
  targetId?: number | string | null;
  /** One line a shop owner can read ("Changed Sato's group to Clerk"). No passwords or tokens. */
  summary: string;
  storeId?: number | null;
}

/** Who did it; null account for what the system itself does (the demo seed, sign-up). */
export type AuditActor = { corporationId: number; storeId?: number | null } & (
  Pick<ActorContext, 'accountId' | 'actingStaffId'> | { accountId: null; actingStaffId: null }
);

/**
 * Records a write in the caller's transaction, so the entry exists exactly when the change does.
 * Every command that changes data calls this with the actor from the session.
 */
export async function recordAudit(tx: Tx, actor: AuditActor, entry: AuditEntry): Promise<void> {
  await tx
    .insertInto('audit_log')
    .values({
      corporation_id: actor.corporationId,
      store_id: entry.storeId ?? actor.storeId ?? null,
      account_id: actor.accountId,
      acting_staff_id: actor.actingStaffId,
      action: entry.action,
      target_type: entry.targetType,
      target_id: entry.targetId == null ? null : String(entry.targetId),
      summary: entry.summary.slice(0, 500),
      occurred_at: toDbTime(new Date()),
    })
    .execute();
}

/** Newest first, one corporation only, paged by id cursor. */
export async function listAudit(db: Db, corporationId: number, opts: { before?: number; limit: number }) {
  let q = db
    .selectFrom('audit_log')
    .selectAll()
    .where('corporation_id', '=', corporationId)
    .orderBy('id', 'desc')
    .limit(opts.limit + 1);
  if (opts.before) q = q.where('id', '<', opts.before);
  const rows = await q.execute();
  const page = rows.slice(0, opts.limit).map((r) => ({
    id: Number(r.id),
    storeId: r.store_id == null ? null : Number(r.store_id),
    accountId: r.account_id == null ? null : Number(r.account_id),
    actingStaffId: r.acting_staff_id == null ? null : Number(r.acting_staff_id),
    action: r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    summary: r.summary,
    occurredAt: r.occurred_at,
  }));
  return { items: page, nextCursor: rows.length > opts.limit ? page[page.length - 1]!.id : null };
}
