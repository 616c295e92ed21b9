import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects, useTestDb } from '../../../test/support/db.ts';
import { StaffClient, startPos, testClock, testPlatform } from '../../../test/support/pos.ts';
import type { App } from '../../platform/http/server.ts';
import { seedDemo } from '../demo/seed.ts';
import { DEMO_PASSWORD, tenancySeed } from './seed.ts';

describe.each(testDialects())('staff access on %s', (dialect) => {
  const t = useTestDb(dialect);
  const clock = testClock();
  let app: App;
  const store: Record<string, number> = {};
  const register: Record<string, number> = {};

  beforeAll(async () => {
    await seedDemo(t.db, [tenancySeed]);
    for (const s of await t.db.selectFrom('store').select(['id', 'code']).execute())
      store[s.code] = Number(s.id);
    for (const r of await t.db
      .selectFrom('register')
      .select(['id', 'store_id'])
      .where('primary_of_store_id', 'is not', null)
      .execute())
      register[Object.keys(store).find((c) => store[c] === Number(r.store_id))!] = Number(r.id);
    app = await startPos(testPlatform(t.handle), { clock });
  });
  afterAll(() => app?.close());

  const client = () => new StaffClient(app);
  const signedIn = (email: string) => client().login(email, DEMO_PASSWORD);
  async function inSales(email: string, code: string) {
    const c = await signedIn(email);
    const res = await c.post('/api/v1/auth/session', {
      mode: 'sales',
      storeId: store[code],
      registerId: register[code],
    });
    expect(res.statusCode).toBe(200);
    return c;
  }
  async function inAdmin(email: string) {
    const c = await signedIn(email);
    expect((await c.post('/api/v1/auth/session', { mode: 'admin' })).statusCode).toBe(200);
    return c;
  }

  it('signs in a demo owner and lists only the stores of their corporation', async () => {
    const c = await signedIn('owner@hoshi.example');
    const res = await c.get('/api/v1/stores');
    expect(res.statusCode).toBe(200);
    expect(res.json().items.map((s: { code: string }) => s.code)).toEqual(['akihabara', 'nakano']);
    expect(res.json().items[0].registers).toHaveLength(2);
  });

  it('sets the session cookie httpOnly and gives the CSRF token to the page', async () => {
    const res = await client().post('/api/v1/auth/login', {
      email: 'clerk@dragon.example',
      password: DEMO_PASSWORD,
    });
    const cookies = res.cookies as { name: string; value: string; httpOnly?: boolean; sameSite?: string }[];
    expect(cookies.find((c) => c.name === 'regi_session')).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    expect(cookies.find((c) => c.name === 'regi_csrf')?.httpOnly).toBeFalsy();
    expect(res.json().csrfToken).toBe(cookies.find((c) => c.name === 'regi_csrf')!.value);
  });

  it('answers a wrong password and an unknown e-mail with the same 401', async () => {
    const wrong = await client().post('/api/v1/auth/login', {
      email: 'owner@dragon.example',
      password: 'nope-nope-nope',
    });
    const unknown = await client().post('/api/v1/auth/login', {
      email: 'nobody@dragon.example',
      password: 'x',
    });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().code).toBe('invalid_credentials');
    expect({ ...unknown.json(), requestId: 0, instance: 0 }).toEqual({
      ...wrong.json(),
      requestId: 0,
      instance: 0,
    });
  });

  it('refuses the 6th wrong password in a minute with 429, even if the 6th is right', async () => {
    const owner = await inAdmin('owner@dragon.example');
    const email = 'target@dragon.example';
    const groups = (await owner.get('/api/v1/admin/groups')).json().items as {
      id: number;
      builtin: string;
    }[];
    const created = await owner.post('/api/v1/admin/staff', {
      email,
      password: DEMO_PASSWORD,
      displayName: 'Target',
      groupId: groups.find((g) => g.builtin === 'clerk')!.id,
    });
    expect(created.statusCode).toBe(201);
    for (let i = 0; i < 5; i++)
      expect((await client().post('/api/v1/auth/login', { email, password: `wrong-${i}` })).statusCode).toBe(
        401,
      );
    const sixth = await client().post('/api/v1/auth/login', { email, password: DEMO_PASSWORD });
    expect(sixth.statusCode).toBe(429);
    expect(sixth.json().code).toBe('too_many_attempts');
    // other accounts are not affected
    expect(
      (await client().post('/api/v1/auth/login', { email: 'clerk@dragon.example', password: DEMO_PASSWORD }))
        .statusCode,
    ).toBe(200);
  });

  // The limit lives in the cache, not the database: once is enough.
  it.runIf(dialect === 'sqlite')('limits guesses per client address across accounts', async () => {
    const from = { remoteAddress: '10.9.9.9' };
    const statuses: number[] = [];
    const device = client();
    for (let i = 0; i < 31; i++) {
      const res = await device.request({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: `guess${i}@nowhere.example`, password: 'x' },
        ...from,
      });
      statuses.push(res.statusCode);
    }
    expect(statuses.slice(0, 30).every((s) => s === 401)).toBe(true);
    expect(statuses[30]).toBe(429);
  });

  const familyRoutes = (storeId: number) => [
    { method: 'GET', url: `/api/v1/stores/${storeId}` },
    { method: 'PATCH', url: `/api/v1/stores/${storeId}`, payload: { name: 'Renamed' } },
    { method: 'GET', url: `/api/v1/stores/${storeId}/registers` },
    { method: 'POST', url: `/api/v1/stores/${storeId}/registers`, payload: { name: 'R9' } },
    { method: 'PATCH', url: `/api/v1/stores/${storeId}/registers/1`, payload: { name: 'R9' } },
    { method: 'DELETE', url: `/api/v1/stores/${storeId}/registers/1` },
  ];

  it('answers 401 without a session on every non-public route family', async () => {
    const urls = [
      ...familyRoutes(store.akihabara!),
      { method: 'GET', url: '/api/v1/me' },
      { method: 'GET', url: '/api/v1/stores' },
      { method: 'GET', url: '/api/v1/admin/staff' },
      { method: 'PATCH', url: '/api/v1/corporation', payload: { name: 'x' } },
      { method: 'GET', url: '/api/v1/admin/audit-log' },
    ];
    for (const r of urls) {
      const res = await client().request(r as never);
      expect([r.url, res.statusCode, res.json().code]).toEqual([r.url, 401, 'unauthenticated']);
    }
  });

  it("answers 404 for another corporation's store on every store-scoped route family", async () => {
    const owner = await inAdmin('owner@dragon.example');
    for (const r of familyRoutes(store.akihabara!)) {
      const res = await owner.request(r as never);
      expect([r.method, r.url, res.statusCode]).toEqual([r.method, r.url, 404]);
    }
    expect((await owner.get('/api/v1/stores/999999')).statusCode).toBe(404);
    expect((await owner.get('/api/v1/stores/abc')).statusCode).toBe(404);
    // and its own store answers
    expect((await owner.get(`/api/v1/stores/${store.umeda}`)).statusCode).toBe(200);
  });

  it('answers 404 for a store of its own corporation that the account is not linked to', async () => {
    const clerk = await inSales('clerk@dragon.example', 'umeda');
    expect((await clerk.get(`/api/v1/stores/${store.kyoto}/registers`)).statusCode).toBe(404);
    expect((await clerk.get(`/api/v1/stores/${store.umeda}/registers`)).statusCode).toBe(200);
  });

  it('keeps a sales-mode session to its own store', async () => {
    const owner = await inSales('owner@dragon.example', 'umeda');
    expect((await owner.get(`/api/v1/stores/${store.kyoto}`)).statusCode).toBe(404);
  });

  it('refuses sales mode at another tenant’s store or register', async () => {
    const c = await signedIn('owner@dragon.example');
    const other = await c.post('/api/v1/auth/session', {
      mode: 'sales',
      storeId: store.akihabara,
      registerId: register.akihabara,
    });
    expect(other.statusCode).toBe(404);
    const wrongRegister = await c.post('/api/v1/auth/session', {
      mode: 'sales',
      storeId: store.umeda,
      registerId: register.akihabara,
    });
    expect(wrongRegister.statusCode).toBe(404);
  });

  it('answers 403 naming the policy when the group lacks it', async () => {
    const clerk = await inSales('clerk@dragon.example', 'umeda');
    for (const r of [
      { method: 'PATCH', url: `/api/v1/stores/${store.umeda}`, payload: { name: 'Mine now' } },
      { method: 'POST', url: `/api/v1/stores/${store.umeda}/registers`, payload: { name: 'R9' } },
      { method: 'GET', url: '/api/v1/admin/staff' },
      { method: 'GET', url: '/api/v1/admin/audit-log' },
    ]) {
      const res = await clerk.request(r as never);
      expect([r.url, res.statusCode, res.json().code]).toEqual([r.url, 403, 'forbidden']);
    }
    const res = await clerk.patch('/api/v1/corporation', { name: 'x' });
    expect(res.json().policy).toBe('corporation.update');
  });

  it('refuses a clerk admin mode', async () => {
    const c = await signedIn('clerk@dragon.example');
    const res = await c.post('/api/v1/auth/session', { mode: 'admin' });
    expect(res.statusCode).toBe(403);
  });

  it('asks for a mode before any permission-gated route', async () => {
    const c = await signedIn('owner@dragon.example');
    const res = await c.get('/api/v1/admin/staff');
    expect([res.statusCode, res.json().code]).toEqual([403, 'mode_required']);
  });

  it('refuses a cookie-authenticated write without the CSRF header, or with a wrong one', async () => {
    const owner = await inAdmin('owner@dragon.example');
    const none = await owner.patch(`/api/v1/stores/${store.umeda}`, { name: 'CSRF' }, { csrf: false });
    expect([none.statusCode, none.json().code]).toEqual([403, 'csrf_failed']);
    const wrong = await owner.request({
      method: 'PATCH',
      url: `/api/v1/stores/${store.umeda}`,
      payload: { name: 'CSRF' },
      headers: { 'x-csrf-token': 'x'.repeat(32) },
      csrf: false,
    });
    expect(wrong.statusCode).toBe(403);
    const logout = await owner.post('/api/v1/auth/logout', {}, { csrf: false });
    expect(logout.statusCode).toBe(403);
    const store0 = await owner.get(`/api/v1/stores/${store.umeda}`);
    expect(store0.json().name).not.toBe('CSRF');
  });

  it('locks a shared terminal until a clerk scans, and again after the store timeout', async () => {
    const owner = await inAdmin('owner@hoshi.example');
    const ownerId = (await owner.get('/api/v1/me')).json().account.id;
    const barcode = (await owner.get(`/api/v1/admin/staff/${ownerId}/barcode`)).json().barcode as string;
    const terminal = await inSales('terminal@hoshi.example', 'akihabara');
    const url = `/api/v1/stores/${store.akihabara}`;

    const locked = await terminal.patch(url, { receiptFooter: 'Thanks!' });
    expect([locked.statusCode, locked.json().code]).toEqual([401, 'staff_code_required']);
    // not a permission route: the terminal can still read its store and who it is
    expect((await terminal.get('/api/v1/me')).statusCode).toBe(200);

    const scan = await terminal.post('/api/v1/auth/staff', { barcode });
    expect(scan.statusCode).toBe(200);
    expect(scan.json().actingStaff.id).toBe(ownerId);
    expect((await terminal.patch(url, { receiptFooter: 'Thanks!' })).statusCode).toBe(200);

    clock.advance(61 * 60_000);
    try {
      const expired = await terminal.patch(url, { receiptFooter: 'Again' });
      expect([expired.statusCode, expired.json().code]).toEqual([401, 'staff_code_required']);
    } finally {
      clock.advance(-61 * 60_000);
    }
  });

  it("applies the acting clerk's permissions at a shared terminal, not the terminal's", async () => {
    const terminal = await inSales('terminal@hoshi.example', 'akihabara');
    const typed = await terminal.post('/api/v1/auth/staff', { employeeCode: '1002' });
    expect(typed.statusCode).toBe(200);
    const res = await terminal.patch(`/api/v1/stores/${store.akihabara}`, { name: 'Clerk rename' });
    expect([res.statusCode, res.json().policy]).toEqual([403, 'store.update']);
  });

  it('refuses a forged or foreign barcode and a clerk of another store', async () => {
    const owner = await inAdmin('owner@hoshi.example');
    const ownerId = (await owner.get('/api/v1/me')).json().account.id;
    const barcode = (await owner.get(`/api/v1/admin/staff/${ownerId}/barcode`)).json().barcode as string;
    const terminal = await inSales('terminal@hoshi.example', 'akihabara');
    const forged = barcode.replace('.1001.', '.1002.');
    const res = await terminal.post('/api/v1/auth/staff', { barcode: forged });
    expect([res.statusCode, res.json().code]).toEqual([401, 'unknown_staff_code']);
    // Dragon's owner has the same employee code 1001, but is another tenant
    const dragonOwner = await inAdmin('owner@dragon.example');
    const dragonId = (await dragonOwner.get('/api/v1/me')).json().account.id;
    const foreign = (await dragonOwner.get(`/api/v1/admin/staff/${dragonId}/barcode`)).json().barcode;
    expect((await terminal.post('/api/v1/auth/staff', { barcode: foreign })).statusCode).toBe(401);
    // Dragon's owner cannot read Hoshi's staff
    expect((await dragonOwner.get(`/api/v1/admin/staff/${ownerId}/barcode`)).statusCode).toBe(404);
  });

  it('revokes printed barcodes when one is reissued, and honours barcode-only stores', async () => {
    const owner = await inAdmin('owner@hoshi.example');
    const staff = (await owner.get('/api/v1/admin/staff')).json().items as {
      id: number;
      employeeCode: string;
    }[];
    const clerkId = staff.find((s) => s.employeeCode === '1002')!.id;
    const old = (await owner.get(`/api/v1/admin/staff/${clerkId}/barcode`)).json().barcode;
    expect((await owner.patch(`/api/v1/admin/staff/${clerkId}`, { reissueBarcode: true })).statusCode).toBe(
      200,
    );
    const fresh = (await owner.get(`/api/v1/admin/staff/${clerkId}/barcode`)).json().barcode;
    expect(fresh).not.toBe(old);
    await owner.patch(`/api/v1/stores/${store.akihabara}`, { staffCodeEntry: 'barcode_only' });
    try {
      const terminal = await inSales('terminal@hoshi.example', 'akihabara');
      expect((await terminal.post('/api/v1/auth/staff', { barcode: old })).statusCode).toBe(401);
      const typed = await terminal.post('/api/v1/auth/staff', { employeeCode: '1002' });
      expect([typed.statusCode, typed.json().code]).toEqual([403, 'barcode_required']);
      expect((await terminal.post('/api/v1/auth/staff', { barcode: fresh })).statusCode).toBe(200);
    } finally {
      await owner.patch(`/api/v1/stores/${store.akihabara}`, { staffCodeEntry: 'barcode_or_typed' });
    }
  });

  it('ends the session at sign-out', async () => {
    const c = await signedIn('clerk@dragon.example');
    const cookie = `regi_session=${(await c.get('/api/v1/me')).json() && ''}`;
    expect(cookie).toBeDefined();
    expect((await c.post('/api/v1/auth/logout')).statusCode).toBe(204);
    expect((await c.get('/api/v1/me')).statusCode).toBe(401);
  });

  it('stops a disabled account at its next request', async () => {
    const owner = await inAdmin('owner@dragon.example');
    const clerk = await signedIn('clerk@dragon.example');
    const clerkId = (await clerk.get('/api/v1/me')).json().account.id;
    expect((await owner.patch(`/api/v1/admin/staff/${clerkId}`, { disabled: true })).statusCode).toBe(200);
    try {
      expect((await clerk.get('/api/v1/me')).statusCode).toBe(401);
      const again = await client().post('/api/v1/auth/login', {
        email: 'clerk@dragon.example',
        password: DEMO_PASSWORD,
      });
      expect(again.statusCode).toBe(401);
    } finally {
      await owner.patch(`/api/v1/admin/staff/${clerkId}`, { disabled: false });
    }
  });
});
