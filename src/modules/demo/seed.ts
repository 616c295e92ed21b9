import { toDbTime } from '../../kernel/time.ts';
import type { Db } from '../../platform/db/connect.ts';
import { withTransaction, type Tx } from '../../platform/db/transaction.ts';
import { catalogSeed } from '../catalog/demo-catalog.ts';
import { tenancySeed } from '../tenancy/seed.ts';

/** A demo login printed by `regi dev` and listed in the README. */
export interface DemoLogin {
  role: string;
  email: string;
  password: string;
}

/** One module's part of the demo data. Steps run in order, each once per database. */
export interface SeedStep {
  name: string;
  run(tx: Tx): Promise<void>;
  logins?: DemoLogin[];
}

/** Modules add their demo data here as they arrive (tenancy first, then catalogue, stock...). */
export const seedSteps: SeedStep[] = [tenancySeed, catalogSeed];

const markerKey = (step: string) => `demo_seed:${step}`;

/**
 * Seeds the demo data: idempotent, each step recorded in `system_state` in the same transaction as
 * its rows, so a crash mid-seed re-runs only the unfinished steps.
 */
export async function seedDemo(
  db: Db,
  steps: SeedStep[] = seedSteps,
): Promise<{ ran: string[]; logins: DemoLogin[] }> {
  const ran: string[] = [];
  for (const step of steps) {
    const done = await withTransaction(db, async (tx) => {
      const marker = await tx
        .selectFrom('system_state')
        .select('key')
        .where('key', '=', markerKey(step.name))
        .executeTakeFirst();
      if (marker) return false;
      await step.run(tx);
      await tx
        .insertInto('system_state')
        .values({ key: markerKey(step.name), value: 'done', updated_at: toDbTime(new Date()) })
        .execute();
      return true;
    });
    if (done) ran.push(step.name);
  }
  return { ran, logins: steps.flatMap((s) => s.logins ?? []) };
}
