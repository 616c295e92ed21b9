import { AppError, NotFoundError } from '../../kernel/errors.ts';
import type { PolicyName } from '../../kernel/policies.ts';
import { toDbTime } from '../../kernel/time.ts';
import type { Db } from '../../platform/db/connect.ts';
import { withTransaction, type Tx } from '../../platform/db/transaction.ts';
import { EscalationError, type ActorContext } from './access.ts';
import { recordAudit, type AuditActor } from './audit.ts';
import { escalation, groupPolicies } from './rules.ts';
import './tables.ts';

/** Built-in groups (shared, read-only) and the corporation's own ones. */
export async function listGroups(db: Db | Tx, corporationId: number) {
  const rows = await db
    .selectFrom('permission_group')
    .selectAll()
    .where((eb) => eb.or([eb('corporation_id', 'is', null), eb('corporation_id', '=', corporationId)]))
    .orderBy('id')
    .execute();
  return rows.map((g) => ({
    id: Number(g.id),
    name: g.name,
    builtin: g.builtin,
    policies: [...groupPolicies(g.builtin, g.policies)],
  }));
}

async function ownGroup(tx: Tx, corporationId: number, groupId: number) {
  const g = await tx
    .selectFrom('permission_group')
    .selectAll()
    .where('id', '=', groupId)
    .where((eb) => eb.or([eb('corporation_id', 'is', null), eb('corporation_id', '=', corporationId)]))
    .executeTakeFirst();
  if (!g) throw new NotFoundError('The group');
  if (g.builtin) throw new AppError(409, 'builtin_group', 'Built-in groups cannot be changed.');
  return g;
}

export async function createGroup(
  tx: Tx,
  actor: AuditActor & { policies?: ReadonlySet<PolicyName> },
  input: { name: string; policies: PolicyName[] },
) {
  const over = actor.policies ? escalation(actor.policies, input.policies) : [];
  if (over.length) throw new EscalationError(over);
  const now = toDbTime(new Date());
  const r = await tx
    .insertInto('permission_group')
    .values({
      corporation_id: actor.corporationId,
      builtin: null,
      name: input.name,
      policies: JSON.stringify([...new Set(input.policies)]),
      created_at: now,
      updated_at: now,
    })
    .executeTakeFirstOrThrow();
  const id = Number(r.insertId);
  await recordAudit(tx, actor, {
    action: 'group.created',
    targetType: 'permission_group',
    targetId: id,
    summary: `Created group ${input.name}: ${input.policies.join(', ') || 'no permissions'}`,
  });
  return id;
}

export async function updateGroup(
  db: Db,
  actor: ActorContext,
  groupId: number,
  patch: { name?: string; policies?: PolicyName[] },
) {
  return withTransaction(db, async (tx) => {
    const g = await ownGroup(tx, actor.corporationId, groupId);
    // Neither widen a group beyond one's own powers nor edit one that already exceeds them.
    const over = escalation(actor.policies, [...groupPolicies(null, g.policies), ...(patch.policies ?? [])]);
    if (over.length) throw new EscalationError(over);
    await tx
      .updateTable('permission_group')
      .set({
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.policies !== undefined && { policies: JSON.stringify([...new Set(patch.policies)]) }),
        updated_at: toDbTime(new Date()),
      })
      .where('id', '=', groupId)
      .execute();
    await recordAudit(tx, actor, {
      action: 'group.updated',
      targetType: 'permission_group',
      targetId: groupId,
      summary: `Changed group ${g.name}${patch.policies ? `: ${patch.policies.join(', ') || 'no permissions'}` : ''}`,
    });
    return (await listGroups(tx, actor.corporationId)).find((x) => x.id === groupId)!;
  });
}

export async function deleteGroup(db: Db, actor: ActorContext, groupId: number) {
  await withTransaction(db, async (tx) => {
    const g = await ownGroup(tx, actor.corporationId, groupId);
    const used = await tx
      .selectFrom('staff_account')
      .select('id')
      .where('group_id', '=', groupId)
      .executeTakeFirst();
    if (used) throw new AppError(409, 'group_in_use', 'Move its members to another group first.');
    await tx.deleteFrom('permission_group').where('id', '=', groupId).execute();
    await recordAudit(tx, actor, {
      action: 'group.deleted',
      targetType: 'permission_group',
      targetId: groupId,
      summary: `Deleted group ${g.name}`,
    });
  });
}
