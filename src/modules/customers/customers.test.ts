import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHandler, seedStores } from '../../../test/support/catalog.ts';
import { testDialects, useTestDb } from '../../../test/support/db.ts';
import { StaffClient, startPos, testPlatform } from '../../../test/support/pos.ts';
import { queueOf } from '../../platform/bus/build-topology.ts';
import type { Bus } from '../../platform/bus/bus.ts';
import { startConsumer, type Consumer } from '../../platform/bus/consumer.ts';
import type { EventEnvelope } from '../../platform/bus/events.ts';
import { createSqlBus } from '../../platform/bus/sql-bus.ts';
import { topology } from '../../platform/bus/topology.ts';
import { MemoryCache } from '../../platform/cache/memory.ts';
import type { App } from '../../platform/http/server.ts';
import { createLogger } from '../../platform/log/log.ts';
import { consumers } from '../../workloads/consumers.ts';
import { saleCompleted, saleReturned } from '../sales/index.ts';
import { DEMO_PASSWORD } from '../tenancy/seed.ts';
import { customerOf, customersRoutes, handlers } from './index.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe.each(testDialects())('customers on %s', (dialect) => {
  const t = useTestDb(dialect);
  let app: App;
  let owner: StaffClient;
  let dragon: StaffClient;
  let stores: Awaited<ReturnType<typeof seedStores>>;
  let akihabara: string;
  let nakano: string;
  let n = 0;

  beforeAll(async () => {
    stores = await seedStores(t.db);
    app = await startPos(testPlatform(t.handle), { plugins: [customersRoutes] });
    owner = await new StaffClient(app).login('owner@hoshi.example', DEMO_PASSWORD);
    expect((await owner.post('/api/v1/auth/session', { mode: 'admin' })).statusCode).toBe(200);
    dragon = await new StaffClient(app).login('owner@dragon.example', DEMO_PASSWORD);
    expect((await dragon.post('/api/v1/auth/session', { mode: 'admin' })).statusCode).toBe(200);
    akihabara = `/api/v1/stores/${stores.akihabara!.storeId}/customers`;
    nakano = `/api/v1/stores/${stores.nakano!.storeId}/customers`;
  });
  afterAll(() => app?.close());

  /** A customer registered by the Hoshi owner; unique fields so tests do not see each other's. */
  async function register(url: string, over: Json = {}) {
    const i = ++n;
    const res = await owner.post(url, {
      code: `M${dialect}${i}`,
      name: `山田 太郎${i}`,
      nameKana: `やまだ たろう`,
      phone: `090-1234-${String(1000 + i)}`,
      email: `taro${i}@example.jp`,
      ...over,
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as Json;
  }

  const search = async (url: string, q: string, extra = '') =>
    ((await owner.get(`${url}?q=${encodeURIComponent(q)}${extra}`)).json().items as Json[]).map((c) => c.id);

  it('registers a customer and reads them back with empty figures, the reading in katakana', async () => {
    const c = await register(akihabara, { code: 'A-0001', note: '予約常連' });
    expect(c).toMatchObject({
      code: 'A-0001',
      name: `山田 太郎${n}`,
      nameKana: 'ヤマダ タロウ',
      phone: `090-1234-${1000 + n}`,
      note: '予約常連',
      archivedAt: null,
      stats: { salesCount: 0, salesTotal: 0, returnsCount: 0, items: 0, lastVisitDate: null },
    });
    const read = await owner.get(`${akihabara}/${c.id}`);
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(c);
  });

  it('finds a customer by any fragment of name, reading (any kana), phone, member number or e-mail', async () => {
    const c = await register(akihabara, {
      code: 'HS77001',
      name: '佐藤 花子',
      nameKana: 'サトウ ハナコ',
      phone: '080-5555-7342',
      email: 'Hanako.Sato@example.jp',
    });
    const other = await register(akihabara, { name: '鈴木 一郎', nameKana: 'スズキ イチロウ' });
    for (const q of [
      '佐藤',
      '花子',
      '佐藤 花子',
      'さとう',
      'ｻﾄｳ',
      'はなこ',
      '7342',
      '08055557342',
      'hs77001',
      'hanako.sato@',
      'サトウ 7342',
    ]) {
      const ids = await search(akihabara, q);
      expect([q, ids]).toEqual([q, [c.id]]);
    }
    expect(await search(akihabara, '佐藤 イチロウ')).toEqual([]);
    // No query: everyone, newest first, paged by id.
    const first = (await owner.get(`${akihabara}?limit=1`)).json();
    expect(first.items.map((x: Json) => x.id)).toEqual([other.id]);
    const second = (await owner.get(`${akihabara}?limit=1&before=${first.nextBefore}`)).json();
    expect(second.items.map((x: Json) => x.id)).toEqual([c.id]);
    // Another store's list does not hold them.
    expect(await search(nakano, '佐藤')).toEqual([]);
  });

  it('answers 400 problem+json naming each bad field', async () => {
    const res = await owner.post(akihabara, {
      code: 'no spaces',
      name: '',
      phone: 'call me',
      email: 'not-mail',
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().code).toBe('validation_failed');
    const fields = (res.json().errors as { field: string }[]).map((e) => e.field).sort();
    expect(fields).toEqual(['code', 'email', 'name', 'phone']);
    const unknown = await owner.post(akihabara, { name: 'x', birthday: '2000-01-01' });
    expect(unknown.statusCode).toBe(400);
    const badLimit = await owner.get(`${akihabara}?limit=0`);
    expect([badLimit.statusCode, badLimit.json().errors[0].field]).toEqual([400, 'limit']);
    const badPatch = await owner.patch(`${akihabara}/1`, { email: 'x@' });
    expect(badPatch.statusCode).toBe(400);
  });

  it('refuses a member number already used in the store (409), on register and on change', async () => {
    const a = await register(akihabara, { code: 'DUP-1' });
    const again = await owner.post(akihabara, { code: 'DUP-1', name: '別人' });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({
      code: 'customer_code_taken',
      errors: [{ field: 'code', code: 'customer_code_taken' }],
    });
    const b = await register(akihabara, { code: null });
    const change = await owner.patch(`${akihabara}/${b.id}`, { code: 'DUP-1' });
    expect([change.statusCode, change.json().code]).toEqual([409, 'customer_code_taken']);
    // Another store may use the same number; customers without a card do not collide.
    await register(nakano, { code: 'DUP-1' });
    await register(akihabara, { code: null });
    await register(akihabara, { code: '' });
    expect((await owner.get(`${akihabara}/${a.id}`)).json().code).toBe('DUP-1');
  });

  it("answers 404 for another store's or another tenant's customer, and changes nothing", async () => {
    const c = await register(nakano);
    const viaAkihabara = `${akihabara}/${c.id}`;
    expect((await owner.get(viaAkihabara)).statusCode).toBe(404);
    expect((await owner.patch(viaAkihabara, { name: '乗っ取り' })).statusCode).toBe(404);
    expect((await owner.delete(viaAkihabara)).statusCode).toBe(404);
    expect((await owner.post(`${viaAkihabara}/restore`, {})).statusCode).toBe(404);
    // Dragon Cards' owner: Hoshi's store itself is not found, and so is its own store's view of the id.
    const res = await dragon.get(`${nakano}/${c.id}`);
    expect([res.statusCode, res.json().code]).toEqual([404, 'not_found']);
    expect((await dragon.get(`/api/v1/stores/${stores.umeda!.storeId}/customers/${c.id}`)).statusCode).toBe(
      404,
    );
    expect((await owner.get(`${nakano}/${c.id}`)).json()).toMatchObject({ name: c.name, archivedAt: null });
    await expect(customerOf(t.db, stores.akihabara!.storeId, c.id)).rejects.toMatchObject({ status: 404 });
  });

  it('changes a customer and keeps names, phones and e-mails out of the audit log', async () => {
    const c = await register(akihabara);
    const res = await owner.patch(`${akihabara}/${c.id}`, {
      name: '山田 次郎',
      nameKana: 'ﾔﾏﾀﾞ ｼﾞﾛｳ',
      phone: '０３－１１１１－２２２２',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      name: '山田 次郎',
      nameKana: 'ヤマダ ジロウ',
      phone: '03-1111-2222',
      email: c.email,
      code: c.code,
    });
    expect(await search(akihabara, 'じろう')).toEqual([c.id]);
    const audit = await t.db
      .selectFrom('audit_log')
      .select(['action', 'summary'])
      .where('target_type', '=', 'customer')
      .where('target_id', '=', String(c.id))
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['customer.created', 'customer.updated']);
    expect(audit[1]!.summary).toBe(`Changed customer ${c.id}: name, nameKana, phone`);
    for (const a of audit)
      for (const secret of ['山田', 'ヤマダ', '1111', c.email as string])
        expect(a.summary).not.toContain(secret);
  });

  it('keeps names, phones and e-mails out of the log lines of every request', async () => {
    let out = '';
    const log = createLogger({ level: 'info', destination: { write: (m: string) => void (out += m) } });
    const logged = await startPos({ ...testPlatform(t.handle), log }, { plugins: [customersRoutes] });
    try {
      const c = await new StaffClient(logged).login('owner@hoshi.example', DEMO_PASSWORD);
      await c.post('/api/v1/auth/session', { mode: 'admin' });
      const personal = {
        name: '伊集院 光',
        nameKana: 'イジュウイン',
        phone: '070-9876-5432',
        email: 'hikaru@example.jp',
      };
      const made = await c.post(akihabara, { ...personal, code: `LOG-${dialect}` });
      expect(made.statusCode).toBe(201);
      for (const q of ['伊集院', '5432', 'hikaru@example.jp'])
        expect((await c.get(`${akihabara}?q=${encodeURIComponent(q)}&limit=5`)).json().items).toHaveLength(1);
      await c.patch(`${akihabara}/${made.json().id}`, { phone: '070-9876-5433' });
      await c.post(akihabara, { ...personal, email: 'hikaru@' }); // 400
      await c.post(akihabara, { ...personal, code: `LOG-${dialect}` }); // 409
      expect(out).toContain('customers?q=*&limit=5');
      // The text of the lines, not their numbers: a response time such as 0.98765 is not a phone.
      const texts = out
        .trim()
        .split('\n')
        .flatMap((line) => stringsIn(JSON.parse(line)))
        .join('\n');
      for (const secret of [...Object.values(personal), '伊集院', '9876', 'hikaru'])
        for (const form of [secret, encodeURIComponent(secret)]) expect(texts).not.toContain(form);
    } finally {
      await logged.close();
    }
  });

  it('archives a customer: hidden from search and new sales, still readable, member number kept', async () => {
    const c = await register(akihabara, { code: 'ARC-1' });
    expect(await customerOf(t.db, stores.akihabara!.storeId, c.id)).toEqual({
      id: c.id,
      code: 'ARC-1',
      name: c.name,
    });
    expect((await owner.delete(`${akihabara}/${c.id}`)).statusCode).toBe(204);
    expect((await owner.delete(`${akihabara}/${c.id}`)).statusCode).toBe(204); // already archived
    expect(await search(akihabara, 'ARC-1')).toEqual([]);
    expect(await search(akihabara, 'ARC-1', '&status=archived')).toEqual([c.id]);
    expect(await search(akihabara, 'ARC-1', '&status=all')).toEqual([c.id]);
    const read = (await owner.get(`${akihabara}/${c.id}`)).json();
    expect(read.archivedAt).not.toBeNull();
    const change = await owner.patch(`${akihabara}/${c.id}`, { name: 'x' });
    expect([change.statusCode, change.json().code]).toEqual([409, 'customer_archived']);
    await expect(customerOf(t.db, stores.akihabara!.storeId, c.id)).rejects.toMatchObject({
      status: 404,
      code: 'not_found',
    });
    expect((await owner.post(akihabara, { code: 'ARC-1', name: 'y' })).statusCode).toBe(409);

    // Taken back (a clerk's mistake, a member who returns): the same customer, listed and sellable.
    const restored = await owner.post(`${akihabara}/${c.id}/restore`, {});
    expect(restored.statusCode, restored.body).toBe(200);
    expect(restored.json()).toMatchObject({ id: c.id, code: 'ARC-1', archivedAt: null });
    expect((await owner.post(`${akihabara}/${c.id}/restore`, {})).json().archivedAt).toBeNull(); // already active
    expect(await search(akihabara, 'ARC-1')).toEqual([c.id]);
    expect(await customerOf(t.db, stores.akihabara!.storeId, c.id)).toMatchObject({ id: c.id });
    expect((await owner.patch(`${akihabara}/${c.id}`, { name: '戻り 太郎' })).statusCode).toBe(200);
    const audit = await t.db
      .selectFrom('audit_log')
      .select('action')
      .where('target_type', '=', 'customer')
      .where('target_id', '=', String(c.id))
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      'customer.created',
      'customer.archived',
      'customer.restored',
      'customer.updated',
    ]);
  });

  it('registers once for a retried request with the same Idempotency-Key', async () => {
    const send = () =>
      owner.request({
        method: 'POST',
        url: akihabara,
        payload: { name: '再送 太郎', code: 'IDEM-1' },
        headers: { 'idempotency-key': `idem-${dialect}` },
      });
    const first = await send();
    const retry = await send();
    expect([first.statusCode, retry.statusCode]).toEqual([201, 200]);
    expect(retry.headers['idempotency-replayed']).toBe('true');
    expect(retry.json().id).toBe(first.json().id);
    expect(await search(akihabara, '再送')).toEqual([first.json().id]);
  });

  it('lets a clerk at the register look up and register customers, and refuses a group without the policy (403)', async () => {
    const umeda = stores.umeda!.storeId;
    const url = `/api/v1/stores/${umeda}/customers`;
    const registerOf = async () =>
      (await dragon.get('/api/v1/stores')).json().items.find((s: Json) => s.id === umeda).registers[0].id;
    const atRegister = async (email: string, password: string) => {
      const c = await new StaffClient(app).login(email, password);
      const res = await c.post('/api/v1/auth/session', {
        mode: 'sales',
        storeId: umeda,
        registerId: await registerOf(),
      });
      expect(res.statusCode, res.body).toBe(200);
      return c;
    };
    const clerk = await atRegister('clerk@dragon.example', DEMO_PASSWORD);
    const made = await clerk.post(url, { name: '梅田 一郎', phone: '06-0000-0001' });
    expect(made.statusCode, made.body).toBe(201);
    expect((await clerk.get(`${url}?q=${encodeURIComponent('梅田')}`)).json().items).toHaveLength(1);

    const group = await dragon.post('/api/v1/admin/groups', {
      name: 'Register only',
      policies: ['mode.sales', 'sales.sell'],
    });
    expect(group.statusCode, group.body).toBe(201);
    const staff = await dragon.post('/api/v1/admin/staff', {
      email: `reg${dialect}@dragon.example`,
      password: 'long-enough-pass',
      displayName: 'Register only',
      groupId: group.json().id,
      storeIds: [umeda],
    });
    expect(staff.statusCode, staff.body).toBe(201);
    const limited = await atRegister(`reg${dialect}@dragon.example`, 'long-enough-pass');
    const list = await limited.get(url);
    expect([list.statusCode, list.json().policy]).toEqual([403, 'customers.view']);
    const create = await limited.post(url, { name: 'x' });
    expect([create.statusCode, create.json().policy]).toEqual([403, 'customers.manage']);
    const archive = await limited.delete(`${url}/${made.json().id}`);
    expect(archive.statusCode).toBe(403);
    const restore = await limited.post(`${url}/${made.json().id}/restore`, {});
    expect([restore.statusCode, restore.json().policy]).toEqual([403, 'customers.manage']);
  });

  describe('figures kept by worker-transaction', () => {
    const log = pino({ level: 'silent' });
    let bus: Bus;
    let consumer: Consumer;
    let saleId = 1_000_000;

    beforeAll(() => {
      bus = createSqlBus(t.db, topology, { pollMs: 20 });
      consumer = startConsumer({
        queue: queueOf(topology, 'worker-transaction'),
        handlers: consumers['worker-transaction'],
        db: t.db,
        bus,
        cache: new MemoryCache(),
        log,
        concurrency: 2,
        retryBaseMs: 0,
        retryMaxMs: 0,
        waitMs: 200,
      });
    });
    afterAll(async () => {
      await consumer?.stop();
    });

    const event = (
      kind: 'sale' | 'return',
      storeId: number,
      d: { customerId: number | null; total: number; items: number; businessDate: string },
    ): EventEnvelope => {
      const def = kind === 'sale' ? saleCompleted : saleReturned;
      const id = ++saleId;
      return def.build({
        corporationId: Object.values(stores).find((s) => s.storeId === storeId)!.corporationId,
        storeId,
        key: 'register:1',
        data: {
          saleId: id,
          number: `001-${id}`,
          registerId: 1,
          businessDate: d.businessDate,
          total: d.total,
          tax: Math.floor(d.total / 11),
          items: d.items,
          payments: [{ method: 'cash', amount: d.total }],
          returnOfSaleId: kind === 'return' ? id - 1 : null,
          customerId: d.customerId,
          receiptRequested: false,
        },
      }) as EventEnvelope;
    };

    /** Sends the event through the sql bus and waits until worker-transaction acknowledged it. */
    async function deliver(e: EventEnvelope) {
      await bus.publish([{ topic: 'sales', envelope: e }]);
      for (let i = 0; i < 200; i++) {
        const left = await t.db
          .selectFrom('bus_message')
          .select('id')
          .where('queue', '=', 'worker-transaction')
          .where('event_id', '=', e.id)
          .executeTakeFirst();
        const handled = await t.db
          .selectFrom('bus_inbox')
          .select('event_id')
          .where('consumer', '=', 'worker-transaction')
          .where('event_id', '=', e.id)
          .executeTakeFirst();
        if (!left && handled) return;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`event ${e.id} was not handled`);
    }

    /** Deliveries the consumer found in its inbox and only acknowledged. */
    const duplicates = async () =>
      ((await consumer.checks[0]!.check()).detail as { duplicates: number }).duplicates;

    const statsOf = async (url: string, id: number) => (await owner.get(`${url}/${id}`)).json().stats as Json;

    it('counts a sale once however often it is delivered, and a return against it', async () => {
      const store = stores.akihabara!.storeId;
      const c = await register(akihabara);
      const repeats = await duplicates();
      const sale = event('sale', store, {
        customerId: c.id,
        total: 4410,
        items: 5,
        businessDate: '2026-03-02',
      });
      await deliver(sale);
      await deliver(sale); // redelivered (the relay re-sent it): the inbox absorbs it
      expect(await statsOf(akihabara, c.id)).toMatchObject({
        salesCount: 1,
        salesTotal: 4410,
        items: 5,
        firstVisitDate: '2026-03-02',
        lastVisitDate: '2026-03-02',
      });
      await deliver(
        event('sale', store, { customerId: c.id, total: 1000, items: 1, businessDate: '2026-03-09' }),
      );
      const ret = event('return', store, {
        customerId: c.id,
        total: 4410,
        items: 5,
        businessDate: '2026-03-10',
      });
      await deliver(ret);
      await deliver(ret);
      expect(await duplicates()).toBe(repeats + 2);
      expect(await statsOf(akihabara, c.id)).toMatchObject({
        salesCount: 2,
        salesTotal: 5410,
        returnsCount: 1,
        returnsTotal: 4410,
        netTotal: 1000,
        items: 1,
        firstVisitDate: '2026-03-02',
        lastVisitDate: '2026-03-10',
      });
      const row = (await owner.get(`${akihabara}?q=${encodeURIComponent(c.code)}`)).json().items[0];
      expect(row).toMatchObject({ id: c.id, salesCount: 2, lastVisitDate: '2026-03-10' });
      // The running totals of the same events were kept alongside (one transaction per event).
      const day = await t.db
        .selectFrom('sales_running_total')
        .select('sales_count')
        .where('store_id', '=', store)
        .where('business_date', '=', '2026-03-02')
        .executeTakeFirstOrThrow();
      expect(Number(day.sales_count)).toBe(1);
    });

    it('keeps first and last visit whatever order the days arrive in', async () => {
      const store = stores.akihabara!.storeId;
      const c = await register(akihabara);
      for (const day of ['2026-04-10', '2026-04-01', '2026-04-20', '2026-04-15'])
        await runHandler(
          t.db,
          handlers.statsOfSale,
          event('sale', store, { customerId: c.id, total: 100, items: 1, businessDate: day }),
        );
      expect(await statsOf(akihabara, c.id)).toMatchObject({
        salesCount: 4,
        salesTotal: 400,
        firstVisitDate: '2026-04-01',
        lastVisitDate: '2026-04-20',
      });
    });

    it('does nothing for a sale without a customer or naming another store’s customer', async () => {
      const store = stores.akihabara!.storeId;
      const before = await t.db.selectFrom('customer_stats').select('customer_id').execute();
      await deliver(
        event('sale', store, { customerId: null, total: 500, items: 1, businessDate: '2026-05-01' }),
      );
      const elsewhere = await register(nakano);
      await deliver(
        event('sale', store, { customerId: elsewhere.id, total: 500, items: 1, businessDate: '2026-05-01' }),
      );
      expect(await t.db.selectFrom('customer_stats').select('customer_id').execute()).toHaveLength(
        before.length,
      );
      expect((await statsOf(nakano, elsewhere.id)).salesCount).toBe(0);
    });
  });
});

/** Every string in a parsed JSON value, keys included. */
function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => [k, ...stringsIn(v)]);
  return [];
}
