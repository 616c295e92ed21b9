import { z } from 'zod';
import type { RoundingRule, RoundingUnit } from '../../kernel/money.ts';
import { toDbTime } from '../../kernel/time.ts';
import type { Db } from '../../platform/db/connect.ts';
import type { Tx } from '../../platform/db/transaction.ts';
import type { Rounding } from './pricing.ts';
import './tables.ts';

/** A store's pricing and stock settings; a store that never saved any uses these defaults. */
export interface CatalogSettings {
  rounding: Rounding;
  ecRateBp: number;
  ecRounding: Rounding;
  costMethod: 'fifo' | 'average';
  /** Units kept back from the online shop when a product sets no reserve of its own. */
  defaultReserve: number;
}

export const defaultSettings: CatalogSettings = {
  rounding: { rule: 'nearest', unit: 10 },
  ecRateBp: 10_000,
  ecRounding: { rule: 'nearest', unit: 10 },
  costMethod: 'fifo',
  defaultReserve: 0,
};

const rounding = z.object({
  rule: z.enum(['up', 'down', 'nearest']),
  unit: z.union([z.literal(1), z.literal(10), z.literal(100), z.literal(1000)]),
});

export const settingsInput = z
  .object({
    rounding,
    ecRateBp: z.number().int().min(0).max(100_000),
    ecRounding: rounding,
    costMethod: z.enum(['fifo', 'average']),
    defaultReserve: z.number().int().min(0).max(1_000_000),
  })
  .partial()
  .strict();

type Reader = Db | Tx;

export async function readSettings(db: Reader, storeId: number): Promise<CatalogSettings> {
  const row = await db
    .selectFrom('catalog_settings')
    .selectAll()
    .where('store_id', '=', storeId)
    .executeTakeFirst();
  if (!row) return defaultSettings;
  return {
    rounding: { rule: row.rounding_rule as RoundingRule, unit: Number(row.rounding_unit) as RoundingUnit },
    ecRateBp: Number(row.ec_rate_bp),
    ecRounding: {
      rule: row.ec_rounding_rule as RoundingRule,
      unit: Number(row.ec_rounding_unit) as RoundingUnit,
    },
    costMethod: row.cost_method,
    defaultReserve: Number(row.default_reserve),
  };
}

/** Saves the merged settings; returns them and whether anything affecting prices changed. */
export async function writeSettings(
  tx: Tx,
  scope: { corporationId: number; storeId: number },
  patch: z.infer<typeof settingsInput>,
): Promise<{ settings: CatalogSettings; pricesAffected: boolean }> {
  const before = await readSettings(tx, scope.storeId);
  const s: CatalogSettings = { ...before, ...patch };
  const row = {
    rounding_rule: s.rounding.rule,
    rounding_unit: s.rounding.unit,
    ec_rate_bp: s.ecRateBp,
    ec_rounding_rule: s.ecRounding.rule,
    ec_rounding_unit: s.ecRounding.unit,
    cost_method: s.costMethod,
    default_reserve: s.defaultReserve,
    updated_at: toDbTime(new Date()),
  };
  const updated = await tx
    .updateTable('catalog_settings')
    .set(row)
    .where('store_id', '=', scope.storeId)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0)
    await tx
      .insertInto('catalog_settings')
      .values({ store_id: scope.storeId, corporation_id: scope.corporationId, ...row })
      .execute();
  const pricesAffected =
    JSON.stringify([before.rounding, before.ecRateBp, before.ecRounding]) !==
    JSON.stringify([s.rounding, s.ecRateBp, s.ecRounding]);
  return { settings: s, pricesAffected };
}
