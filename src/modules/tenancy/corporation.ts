import type { z } from 'zod';
import { NotFoundError } from '../../kernel/errors.ts';
import { toDbTime } from '../../kernel/time.ts';
import type { Db } from '../../platform/db/connect.ts';
import { withTransaction, type Tx } from '../../platform/db/transaction.ts';
import type { ActorContext } from './access.ts';
import { recordAudit } from './audit.ts';
import type { corporationPatch } from './schemas.ts';
import './tables.ts';

export async function readCorporation(db: Db | Tx, corporationId: number) {
  const c = await db.selectFrom('corporation').selectAll().where('id', '=', corporationId).executeTakeFirst();
  if (!c) throw new NotFoundError('The corporation');
  return {
    id: Number(c.id),
    name: c.name,
    invoiceNumber: c.invoice_number,
    antiqueLicenseNumber: c.antique_license_number,
    antiqueLicenseCommission: c.antique_license_commission,
    taxMode: c.tax_mode,
    roundingRule: c.rounding_rule,
    roundingUnit: Number(c.rounding_unit),
    staffCodeRequired: Number(c.staff_code_required) === 1,
  };
}

export async function updateCorporation(
  db: Db,
  actor: ActorContext,
  patch: z.output<typeof corporationPatch>,
) {
  return withTransaction(db, async (tx) => {
    await tx
      .updateTable('corporation')
      .set({
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.invoiceNumber !== undefined && { invoice_number: patch.invoiceNumber }),
        ...(patch.antiqueLicenseNumber !== undefined && {
          antique_license_number: patch.antiqueLicenseNumber,
        }),
        ...(patch.antiqueLicenseCommission !== undefined && {
          antique_license_commission: patch.antiqueLicenseCommission,
        }),
        ...(patch.taxMode !== undefined && { tax_mode: patch.taxMode }),
        ...(patch.roundingRule !== undefined && { rounding_rule: patch.roundingRule }),
        ...(patch.roundingUnit !== undefined && { rounding_unit: patch.roundingUnit }),
        ...(patch.staffCodeRequired !== undefined && {
          staff_code_required: patch.staffCodeRequired ? 1 : 0,
        }),
        updated_at: toDbTime(new Date()),
      })
      .where('id', '=', actor.corporationId)
      .execute();
    await recordAudit(tx, actor, {
      action: 'corporation.updated',
      targetType: 'corporation',
      targetId: actor.corporationId,
      summary: `Changed ${Object.keys(patch).join(', ') || 'nothing'}`,
    });
    return readCorporation(tx, actor.corporationId);
  });
}

export interface NewCorporation {
  name: string;
  invoiceNumber?: string | null;
  antiqueLicenseNumber?: string | null;
  antiqueLicenseCommission?: string | null;
  staffCodeRequired: boolean;
}

/** A new tenant with shop defaults (tax-inclusive prices, round to the yen). */
export async function createCorporation(tx: Tx, input: NewCorporation): Promise<number> {
  const now = toDbTime(new Date());
  const r = await tx
    .insertInto('corporation')
    .values({
      name: input.name,
      invoice_number: input.invoiceNumber ?? null,
      antique_license_number: input.antiqueLicenseNumber ?? null,
      antique_license_commission: input.antiqueLicenseCommission ?? null,
      tax_mode: 'include',
      rounding_rule: 'round',
      rounding_unit: 1,
      staff_code_required: input.staffCodeRequired ? 1 : 0,
      created_at: now,
      updated_at: now,
    })
    .executeTakeFirstOrThrow();
  const id = Number(r.insertId);
  await recordAudit(
    tx,
    { corporationId: id, accountId: null, actingStaffId: null },
    {
      action: 'corporation.created',
      targetType: 'corporation',
      targetId: id,
      summary: `Created ${input.name}`,
    },
  );
  return id;
}
