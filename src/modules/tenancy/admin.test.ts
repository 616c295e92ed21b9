import { builtinGroups } from '../../kernel/policies.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects, useTestDb } from '../../../test/support/db.ts';
import { StaffClient, startPos, testPlatform } from '../../../test/support/pos.ts';
import type { App } from '../../platform/http/server.ts';
import { seedDemo } from '../demo/seed.ts';
import { DEMO_PASSWORD, tenancySeed } from './seed.ts';

describe.each(testDialects())('tenancy administration on %s', (dialect) => {
  const t = useTestDb(dialect);
  let app: App;
  let hoshi: StaffClient;
  let dragon: StaffClient;
  const store: Record<string, number> = {};
  let clerkGroup: number;

  beforeAll(async () => {
    await seedDemo(t.db, [tenancySeed]);
    for (const s of await t.db.selectFrom('store').select(['id', 'code']).execute())
      store[s.code] = Number(s.id);
    app = await startPos(testPlatform(t.handle));
    hoshi = await new StaffClient(app).login('owner@hoshi.example', DEMO_PASSWORD);
    await hoshi.post('/api/v1/auth/session', { mode: 'admin' });
    dragon = await new StaffClient(app).login('owner@dragon.example', DEMO_PASSWORD);
    await dragon.post('/api/v1/auth/session', { mode: 'admin' });
    const groups = (await hoshi.get('/api/v1/admin/groups')).json().items as {
      id: number;
      builtin: string;
    }[];
    clerkGroup = groups.find((g) => g.builtin === 'clerk')!.id;
  });
  afterAll(() => app?.close());

  const newStaff = (over: Record<string, unknown> = {}) => ({
    email: `p${Math.random().toString(36).slice(2, 8)}@hoshi.example`,
    password: 'long-enough-pass',
    displayName: 'Part-timer',
    groupId: clerkGroup,
    ...over,
  });

  it('adds a staff member who can then sign in to the linked store only', async () => {
    const body = newStaff({ employeeCode: '2001', storeIds: [store.nakano] });
    const res = await hoshi.post('/api/v1/admin/staff', body);
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ employeeCode: '2001', storeIds: [store.nakano], groupName: 'Clerk' });
    const p = await new StaffClient(app).login(body.email as string, 'long-enough-pass');
    const stores = (await p.get('/api/v1/stores')).json().items.map((s: { id: number }) => s.id);
    expect(stores).toEqual([store.nakano]);
  });

  it('refuses a taken e-mail (any tenant) and a taken employee code (same tenant) with 409', async () => {
    const email = await hoshi.post('/api/v1/admin/staff', newStaff({ email: 'owner@dragon.example' }));
    expect([email.statusCode, email.json().code]).toEqual([409, 'email_taken']);
    const code = await hoshi.post('/api/v1/admin/staff', newStaff({ employeeCode: '1002' }));
    expect([code.statusCode, code.json().code]).toEqual([409, 'employee_code_taken']);
    // the same code in another corporation is fine
    const groups = (await dragon.get('/api/v1/admin/groups')).json().items as {
      id: number;
      builtin: string;
    }[];
    const other = await dragon.post('/api/v1/admin/staff', {
      ...newStaff({ employeeCode: '2001' }),
      email: 'x2001@dragon.example',
      groupId: groups.find((g) => g.builtin === 'clerk')!.id,
    });
    expect(other.statusCode).toBe(201);
  });

  it("refuses to link another tenant's store and creates nothing", async () => {
    const body = newStaff({ storeIds: [store.nakano, store.umeda] });
    const res = await hoshi.post('/api/v1/admin/staff', body);
    expect([res.statusCode, res.json().errors[0].field]).toEqual([400, 'storeIds']);
    const found = await t.db
      .selectFrom('staff_account')
      .select('id')
      .where('email', '=', body.email as string)
      .execute();
    expect(found).toEqual([]);
  });

  it('validates input with one problem listing each bad field', async () => {
    const res = await hoshi.post('/api/v1/admin/staff', { email: 'not-mail', password: 'short', groupId: 0 });
    expect(res.statusCode).toBe(400);
    const fields = (res.json().errors as { field: string }[]).map((e) => e.field).sort();
    expect(fields).toEqual(expect.arrayContaining(['email', 'password', 'groupId', 'displayName']));
  });

  it('applies a changed group at the next request of a signed-in member', async () => {
    const group = await hoshi.post('/api/v1/admin/groups', {
      name: 'Stock keepers',
      policies: ['mode.admin', 'stock.view'],
    });
    expect(group.statusCode).toBe(201);
    const body = newStaff({ groupId: group.json().id });
    const memberId = (await hoshi.post('/api/v1/admin/staff', body)).json().id;
    const member = await new StaffClient(app).login(body.email as string, 'long-enough-pass');
    await member.post('/api/v1/auth/session', { mode: 'admin' });
    expect((await member.get('/api/v1/admin/staff')).statusCode).toBe(403);
    const changed = await hoshi.patch(`/api/v1/admin/groups/${group.json().id}`, {
      policies: ['mode.admin', 'staff.manage'],
    });
    expect(changed.statusCode).toBe(200);
    expect((await member.get('/api/v1/admin/staff')).statusCode).toBe(200);
    // in use: cannot be deleted
    const del = await hoshi.delete(`/api/v1/admin/groups/${group.json().id}`);
    expect([del.statusCode, del.json().code]).toEqual([409, 'group_in_use']);
    expect(memberId).toBeGreaterThan(0);
  });

  it('takes a mode away at the next request when the group loses it', async () => {
    const group = (
      await hoshi.post('/api/v1/admin/groups', {
        name: 'Back office',
        policies: ['mode.admin', 'stock.view', 'staff.manage'],
      })
    ).json();
    const body = newStaff({ groupId: group.id, employeeCode: '3001', storeIds: [store.akihabara] });
    await hoshi.post('/api/v1/admin/staff', body);
    const member = await new StaffClient(app).login(body.email as string, 'long-enough-pass');
    await member.post('/api/v1/auth/session', { mode: 'admin' });
    expect((await member.get('/api/v1/admin/staff')).statusCode).toBe(200);
    await hoshi.patch(`/api/v1/admin/groups/${group.id}`, { policies: ['stock.view', 'staff.manage'] });
    const res = await member.get('/api/v1/admin/staff');
    expect([res.statusCode, res.json().policy]).toEqual([403, 'mode.admin']);
    // and a person without sales mode cannot take over a register terminal
    const terminal = await new StaffClient(app).login('terminal@hoshi.example', DEMO_PASSWORD);
    const registerId = (await hoshi.get(`/api/v1/stores/${store.akihabara}/registers`)).json().items[0].id;
    await terminal.post('/api/v1/auth/session', { mode: 'sales', storeId: store.akihabara, registerId });
    const scan = await terminal.post('/api/v1/auth/staff', { employeeCode: '3001' });
    expect([scan.statusCode, scan.json().policy]).toEqual([403, 'mode.sales']);
  });

  it('lets a staff manager grant only the permissions they hold', async () => {
    const clerkPolicies = [...builtinGroups.clerk];
    const managers = (
      await hoshi.post('/api/v1/admin/groups', {
        name: 'Managers',
        policies: ['mode.admin', 'staff.manage', ...clerkPolicies],
      })
    ).json();
    const body = newStaff({ groupId: managers.id });
    await hoshi.post('/api/v1/admin/staff', body);
    const manager = await new StaffClient(app).login(body.email as string, 'long-enough-pass');
    await manager.post('/api/v1/auth/session', { mode: 'admin' });

    const refunders = await manager.post('/api/v1/admin/groups', {
      name: 'Refunders',
      policies: ['sales.refund'],
    });
    expect([refunders.statusCode, refunders.json().code, refunders.json().policies]).toEqual([
      403,
      'policy_escalation',
      ['sales.refund'],
    ]);
    const groups = (await manager.get('/api/v1/admin/groups')).json().items as {
      id: number;
      builtin: string;
    }[];
    const ownerGroup = groups.find((g) => g.builtin === 'owner')!.id;
    const asOwner = await manager.post('/api/v1/admin/staff', newStaff({ groupId: ownerGroup }));
    expect(asOwner.json().code).toBe('policy_escalation');
    const ownerId = (await hoshi.get('/api/v1/me')).json().account.id;
    const takeover = await manager.patch(`/api/v1/admin/staff/${ownerId}`, { password: 'i-own-this-now' });
    expect([takeover.statusCode, takeover.json().code]).toEqual([403, 'policy_escalation']);
    // within their powers it works
    expect((await manager.post('/api/v1/admin/staff', newStaff({ groupId: clerkGroup }))).statusCode).toBe(
      201,
    );
    // and the owner's password still works
    expect(
      (
        await new StaffClient(app).post('/api/v1/auth/login', {
          email: 'owner@hoshi.example',
          password: DEMO_PASSWORD,
        })
      ).statusCode,
    ).toBe(200);
  });

  it("keeps built-in groups read-only and another tenant's groups out of reach", async () => {
    const builtin = await hoshi.patch(`/api/v1/admin/groups/${clerkGroup}`, { policies: ['sales.refund'] });
    expect([builtin.statusCode, builtin.json().code]).toEqual([409, 'builtin_group']);
    const mine = (await hoshi.post('/api/v1/admin/groups', { name: 'Hoshi only', policies: [] })).json().id;
    expect((await dragon.patch(`/api/v1/admin/groups/${mine}`, { name: 'Stolen' })).statusCode).toBe(404);
    expect((await dragon.delete(`/api/v1/admin/groups/${mine}`)).statusCode).toBe(404);
    const assign = await dragon.post('/api/v1/admin/staff', {
      ...newStaff({ groupId: mine }),
      email: 'g@dragon.example',
    });
    expect([assign.statusCode, assign.json().errors[0].field]).toEqual([400, 'groupId']);
    expect((await hoshi.delete(`/api/v1/admin/groups/${mine}`)).statusCode).toBe(204);
  });

  it('gives a new owner every store of the corporation', async () => {
    const groups = (await hoshi.get('/api/v1/admin/groups')).json().items as {
      id: number;
      builtin: string;
    }[];
    const body = newStaff({ groupId: groups.find((g) => g.builtin === 'owner')!.id });
    const res = await hoshi.post('/api/v1/admin/staff', body);
    const all = (await hoshi.get('/api/v1/stores')).json().items.map((s: { id: number }) => s.id);
    expect(res.json().storeIds.sort()).toEqual(all.sort());
  });

  it('refuses an owner locking themselves out', async () => {
    const me = (await hoshi.get('/api/v1/me')).json().account.id;
    const res = await hoshi.patch(`/api/v1/admin/staff/${me}`, { disabled: true });
    expect([res.statusCode, res.json().code]).toEqual([409, 'cannot_change_self']);
  });

  it('opens a store with a primary register, visible to owners and to no other tenant', async () => {
    const res = await hoshi.post('/api/v1/admin/stores', { code: 'shibuya', name: 'Hoshi Shibuya' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      code: 'shibuya',
      timeZone: 'Asia/Tokyo',
      staffCodeTimeoutMinutes: 60,
    });
    const id = res.json().id;
    const registers = (await hoshi.get(`/api/v1/stores/${id}/registers`)).json().items;
    expect(registers).toEqual([{ id: expect.any(Number), name: 'Register 1', primary: true }]);
    expect((await dragon.get(`/api/v1/stores/${id}`)).statusCode).toBe(404);
    const dup = await hoshi.post('/api/v1/admin/stores', { code: 'shibuya', name: 'Again' });
    expect([dup.statusCode, dup.json().code]).toEqual([409, 'store_code_taken']);
    // the same code in another corporation is fine
    expect(
      (await dragon.post('/api/v1/admin/stores', { code: 'shibuya', name: 'Dragon Shibuya' })).statusCode,
    ).toBe(201);
    const tz = await hoshi.post('/api/v1/admin/stores', { code: 'x', name: 'x', timeZone: 'Mars/Olympus' });
    expect([tz.statusCode, tz.json().errors[0].field]).toEqual([400, 'timeZone']);
  });

  it('keeps exactly one primary register per store', async () => {
    const url = `/api/v1/stores/${store.nakano}/registers`;
    const added = await hoshi.post(url, { name: 'Counter 3', primary: true });
    expect(added.statusCode).toBe(201);
    const list = (await hoshi.get(url)).json().items as { id: number; primary: boolean }[];
    expect(list.filter((r) => r.primary).map((r) => r.id)).toEqual([added.json().id]);
    const removePrimary = await hoshi.delete(`${url}/${added.json().id}`);
    expect([removePrimary.statusCode, removePrimary.json().code]).toEqual([409, 'primary_register']);
    const other = list.find((r) => !r.primary)!;
    expect((await hoshi.patch(`${url}/${other.id}`, { primary: true })).json().primary).toBe(true);
    expect((await hoshi.delete(`${url}/${added.json().id}`)).statusCode).toBe(204);
    const after = (await hoshi.get(url)).json().items as { id: number; primary: boolean }[];
    expect(after.filter((r) => r.primary).map((r) => r.id)).toEqual([other.id]);
    expect(after.map((r) => r.id)).not.toContain(added.json().id);
    // a register of another store is not found through this store
    const akiba = (await hoshi.get(`/api/v1/stores/${store.akihabara}/registers`)).json().items[0].id;
    expect((await hoshi.patch(`${url}/${akiba}`, { name: 'Moved' })).statusCode).toBe(404);
  });

  it('validates the corporation and records who changed it in the audit log', async () => {
    const bad = await hoshi.patch('/api/v1/corporation', { invoiceNumber: '123' });
    expect([bad.statusCode, bad.json().errors[0].field]).toEqual([400, 'invoiceNumber']);
    const ok = await hoshi.patch('/api/v1/corporation', {
      invoiceNumber: 'T9999999999999',
      roundingUnit: 10,
    });
    expect(ok.json()).toMatchObject({ invoiceNumber: 'T9999999999999', roundingUnit: 10 });
    const me = (await hoshi.get('/api/v1/me')).json().account.id;
    const log = (await hoshi.get('/api/v1/admin/audit-log?limit=5')).json();
    expect(log.items[0]).toMatchObject({
      action: 'corporation.updated',
      accountId: me,
      actingStaffId: me,
      summary: 'Changed invoiceNumber, roundingUnit',
    });
    // another tenant's log does not show it
    const theirs = (await dragon.get('/api/v1/admin/audit-log?limit=200')).json().items as {
      action: string;
    }[];
    expect(theirs.some((e) => e.action === 'corporation.updated')).toBe(false);
  });

  it('pages the audit log newest first by cursor', async () => {
    const first = (await hoshi.get('/api/v1/admin/audit-log?limit=2')).json();
    expect(first.items).toHaveLength(2);
    const second = (await hoshi.get(`/api/v1/admin/audit-log?limit=2&before=${first.nextCursor}`)).json();
    expect(second.items[0].id).toBeLessThan(first.items[1].id);
  });

  it('records the acting clerk, not the terminal, for writes at a shared terminal', async () => {
    const terminal = await new StaffClient(app).login('terminal@hoshi.example', DEMO_PASSWORD);
    const registerId = (await hoshi.get(`/api/v1/stores/${store.akihabara}/registers`)).json().items[0].id;
    await terminal.post('/api/v1/auth/session', { mode: 'sales', storeId: store.akihabara, registerId });
    const scan = await terminal.post('/api/v1/auth/staff', { employeeCode: '1001' });
    expect(scan.statusCode).toBe(200);
    const res = await terminal.patch(`/api/v1/stores/${store.akihabara}`, { receiptHeader: 'Welcome' });
    expect(res.statusCode).toBe(200);
    const terminalId = (await terminal.get('/api/v1/me')).json().account.id;
    const ownerId = (await hoshi.get('/api/v1/me')).json().account.id;
    const entry = (await hoshi.get('/api/v1/admin/audit-log?limit=1')).json().items[0];
    expect(entry).toMatchObject({
      action: 'store.updated',
      storeId: store.akihabara,
      accountId: terminalId,
      actingStaffId: ownerId,
    });
  });
});
