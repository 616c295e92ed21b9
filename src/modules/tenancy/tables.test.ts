import { describe, expect, it } from 'vitest';
import { testDialects, useTestDb } from '../../../test/support/db.ts';
import { toDbTime } from '../../kernel/time.ts';
import { seedDemo } from '../demo/seed.ts';
import { tenancySeed } from './seed.ts';

describe.each(testDialects())('tenancy tables on %s', (dialect) => {
  const t = useTestDb(dialect);
  const register = (store_id: number, primary: boolean) => ({
    corporation_id: 1,
    store_id,
    name: 'R',
    primary_of_store_id: primary ? store_id : null,
    archived_at: null,
    created_at: toDbTime(new Date()),
  });

  it('refuses a second primary register for a store, whatever the code does', async () => {
    await seedDemo(t.db, [tenancySeed]);
    const store = Number((await t.db.selectFrom('store').select('id').executeTakeFirstOrThrow()).id);
    await expect(t.db.insertInto('register').values(register(store, true)).execute()).rejects.toThrow();
    await t.db.insertInto('register').values(register(store, false)).execute();
  });

  it('refuses a register of a store that does not exist', async () => {
    await expect(t.db.insertInto('register').values(register(987654, false)).execute()).rejects.toThrow();
  });

  it('seeds the demo only once, however often it runs', async () => {
    await seedDemo(t.db, [tenancySeed]);
    const corporations = await t.db.selectFrom('corporation').select('name').execute();
    expect(corporations).toHaveLength(2);
    expect(await t.db.selectFrom('store').select('id').execute()).toHaveLength(4);
  });
});
