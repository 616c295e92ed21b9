import { toDbTime } from '../../kernel/time.ts';
import type { DemoLogin, SeedStep } from '../demo/seed.ts';
import type { Tx } from '../../platform/db/transaction.ts';
import { createCorporation } from './corporation.ts';
import { createGroup } from './groups.ts';
import { hashPassword } from './passwords.ts';
import { createStaff } from './staff.ts';
import { createStore } from './stores.ts';
import { storeInput } from './schemas.ts';
import './tables.ts';

/** One password for every demo login; demo data only, printed by `regi dev` and in the README. */
export const DEMO_PASSWORD = 'regi-demo-2024';

interface DemoCorporation {
  name: string;
  domain: string;
  staffCodeRequired: boolean;
  stores: { code: string; name: string; address: string }[];
}

const corporations: DemoCorporation[] = [
  {
    name: 'Hoshi Cards Co., Ltd.',
    domain: 'hoshi.example',
    // Shared terminal + clerk barcodes: the full sales-mode flow.
    staffCodeRequired: true,
    stores: [
      { code: 'akihabara', name: 'Hoshi Cards Akihabara', address: 'Tokyo, Chiyoda-ku, Sotokanda 1-1' },
      { code: 'nakano', name: 'Hoshi Cards Nakano', address: 'Tokyo, Nakano-ku, Nakano 5-52' },
    ],
  },
  {
    name: 'Dragon Trading Cards LLC',
    domain: 'dragon.example',
    // Each clerk signs in with their own e-mail; no staff codes.
    staffCodeRequired: false,
    stores: [
      { code: 'umeda', name: 'Dragon Cards Umeda', address: 'Osaka, Kita-ku, Umeda 1-3' },
      { code: 'kyoto', name: 'Dragon Cards Kyoto', address: 'Kyoto, Nakagyo-ku, Sanjo 2-8' },
    ],
  },
];

async function builtinGroupId(tx: Tx, builtin: 'owner' | 'clerk') {
  const g = await tx
    .selectFrom('permission_group')
    .select('id')
    .where('builtin', '=', builtin)
    .executeTakeFirstOrThrow();
  return Number(g.id);
}

async function seedCorporation(tx: Tx, c: DemoCorporation, passwordHash: string) {
  const corporationId = await createCorporation(tx, {
    name: c.name,
    invoiceNumber: 'T1234567890123',
    antiqueLicenseNumber: '301000000001',
    antiqueLicenseCommission: 'Tokyo Metropolitan Public Safety Commission',
    staffCodeRequired: c.staffCodeRequired,
  });
  const system = { corporationId, accountId: null, actingStaffId: null };
  const owner = await createStaff(
    tx,
    system,
    {
      email: `owner@${c.domain}`,
      password: DEMO_PASSWORD,
      displayName: 'Owner',
      employeeCode: '1001',
      groupId: await builtinGroupId(tx, 'owner'),
      storeIds: [],
    },
    passwordHash,
  );
  const asOwner = { corporationId, accountId: owner, actingStaffId: owner };
  const storeIds: number[] = [];
  for (const s of c.stores) {
    const id = await createStore(tx, asOwner, storeInput.parse(s));
    storeIds.push(id);
    await tx
      .insertInto('register')
      .values({
        corporation_id: corporationId,
        store_id: id,
        name: 'Register 2',
        primary_of_store_id: null,
        archived_at: null,
        created_at: toDbTime(new Date()),
      })
      .execute();
  }
  await createStaff(
    tx,
    asOwner,
    {
      email: `clerk@${c.domain}`,
      password: DEMO_PASSWORD,
      displayName: 'Clerk',
      employeeCode: '1002',
      groupId: await builtinGroupId(tx, 'clerk'),
      storeIds: [storeIds[0]!],
    },
    passwordHash,
  );
  if (c.staffCodeRequired) {
    const terminalGroup = await createGroup(tx, asOwner, { name: 'Shop terminal', policies: ['mode.sales'] });
    await createStaff(
      tx,
      asOwner,
      {
        email: `terminal@${c.domain}`,
        password: DEMO_PASSWORD,
        displayName: `${c.stores[0]!.name} terminal`,
        employeeCode: null,
        groupId: terminalGroup,
        storeIds: [storeIds[0]!],
      },
      passwordHash,
    );
  }
}

const logins: DemoLogin[] = corporations.flatMap((c) => [
  { role: `${c.name}: owner`, email: `owner@${c.domain}`, password: DEMO_PASSWORD },
  { role: `${c.name}: clerk`, email: `clerk@${c.domain}`, password: DEMO_PASSWORD },
  ...(c.staffCodeRequired
    ? [{ role: `${c.name}: shop terminal`, email: `terminal@${c.domain}`, password: DEMO_PASSWORD }]
    : []),
]);

/** Two corporations (so isolation can be tried by hand), each with two stores, registers and staff. */
export const tenancySeed: SeedStep = {
  name: 'tenancy',
  logins,
  async run(tx) {
    // One hash for all demo accounts (each seeded account shares the demo password anyway).
    const hash = await hashPassword(DEMO_PASSWORD);
    for (const c of corporations) await seedCorporation(tx, c, hash);
  },
};
