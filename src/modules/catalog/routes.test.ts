import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects, useTestDb } from '../../../test/support/db.ts';
import { seedStores } from '../../../test/support/catalog.ts';
import { StaffClient, startPos, testPlatform } from '../../../test/support/pos.ts';
import type { App } from '../../platform/http/server.ts';
import { DEMO_PASSWORD } from '../tenancy/seed.ts';
import { inventoryRoutes } from '../inventory/index.ts';
import { catalogRoutes } from './index.ts';

describe.each(testDialects())('catalogue and stock API on %s', (dialect) => {
  const t = useTestDb(dialect);
  let app: App;
  let akihabara: number;
  let umeda: number;

  beforeAll(async () => {
    const stores = await seedStores(t.db);
    akihabara = stores.akihabara!.storeId;
    umeda = stores.umeda!.storeId;
    app = await startPos(testPlatform(t.handle), { plugins: [catalogRoutes, inventoryRoutes] });
  });
  afterAll(() => app?.close());

  async function admin(email: string) {
    const c = await new StaffClient(app).login(email, DEMO_PASSWORD);
    expect((await c.post('/api/v1/auth/session', { mode: 'admin' })).statusCode).toBe(200);
    return c;
  }

  async function setUp(c: StaffClient, storeId: number) {
    const genre = await c.post(`/api/v1/stores/${storeId}/genres`, { name: `One Piece ${Math.random()}` });
    const category = await c.post(`/api/v1/stores/${storeId}/categories`, {
      name: `Singles ${Math.random()}`,
      kind: 'single',
      conditions: [
        { name: 'A', sell: { kind: 'percent', value: 10000 }, buy: { kind: 'percent', value: 10000 } },
        { name: 'B', sell: { kind: 'yen', value: -200 }, buy: { kind: 'percent', value: 5000 } },
      ],
    });
    expect([genre.statusCode, category.statusCode]).toEqual([201, 201]);
    return { genreId: genre.json().id as number, categoryId: category.json().id as number };
  }

  it('creates an item with priced products, finds it, scans it, and stocks it through a stocking', async () => {
    const owner = await admin('owner@hoshi.example');
    const refs = await setUp(owner, akihabara);
    const created = await owner.post(`/api/v1/stores/${akihabara}/items`, {
      ...refs,
      name: 'モンキー・D・ルフィ',
      reading: 'もんきーでぃーるふぃ',
      cardNumber: 'OP01-024',
      rarity: 'L',
      jan: '4549660000001',
      baseSellPrice: 2480,
      baseBuyPrice: 1200,
    });
    expect(created.statusCode).toBe(201);
    const item = created.json();
    expect(
      item.products.map((p: { condition: string; sellPrice: number }) => [p.condition, p.sellPrice]),
    ).toEqual([
      ['A', 2480],
      ['B', 2280],
    ]);
    const found = await owner.get(`/api/v1/stores/${akihabara}/items?q=${encodeURIComponent('るふぃ')}`);
    expect(found.json().items.map((i: { id: number }) => i.id)).toEqual([item.id]);
    const scan = await owner.get(`/api/v1/stores/${akihabara}/lookup?code=${item.products[1].barcode}`);
    expect(scan.json()).toMatchObject({ match: 'barcode', products: [{ id: item.products[1].id }] });

    const plan = await owner.post(`/api/v1/stores/${akihabara}/stockings`, {
      supplier: 'Bandai',
      lines: [{ productId: item.products[0].id, quantity: 4, unitCost: 1000 }],
    });
    expect(plan.statusCode).toBe(201);
    const received = await owner.post(`/api/v1/stores/${akihabara}/stockings/${plan.json().id}/receive`);
    expect(received.json().status).toBe('final');
    const ledger = await owner.get(`/api/v1/stores/${akihabara}/products/${item.products[0].id}/ledger`);
    expect(ledger.json().items).toMatchObject([
      { quantity: 4, balanceAfter: 4, sourceKind: 'stocking', cost: 4000 },
    ]);
  });

  it('answers problem+json 400 with field errors for a bad item', async () => {
    const owner = await admin('owner@hoshi.example');
    const res = await owner.post(`/api/v1/stores/${akihabara}/items`, { name: '', baseSellPrice: -1 });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().errors.length).toBeGreaterThan(0);
  });

  it("answers 404 for another corporation's store and for another store's product", async () => {
    const hoshi = await admin('owner@hoshi.example');
    const dragon = await admin('owner@dragon.example');
    expect((await hoshi.get(`/api/v1/stores/${umeda}/items`)).statusCode).toBe(404);
    const refs = await setUp(dragon, umeda);
    const item = (
      await dragon.post(`/api/v1/stores/${umeda}/items`, {
        ...refs,
        name: 'Dragon card',
        baseSellPrice: 100,
        baseBuyPrice: 50,
      })
    ).json();
    expect((await hoshi.get(`/api/v1/stores/${akihabara}/products/${item.products[0].id}`)).statusCode).toBe(
      404,
    );
    const adj = await hoshi.post(`/api/v1/stores/${akihabara}/adjustments`, {
      reason: 'x',
      lines: [{ productId: item.products[0].id, quantity: 1 }],
    });
    expect(adj.statusCode).toBe(400);
  });

  it('refuses a manual stock adjustment to a clerk without the policy', async () => {
    const clerk = await new StaffClient(app).login('clerk@dragon.example', DEMO_PASSWORD);
    const stores = (await clerk.get('/api/v1/stores')).json().items as {
      id: number;
      registers: { id: number }[];
    }[];
    const registerId = stores.find((s) => s.id === umeda)!.registers[0]!.id;
    expect(
      (await clerk.post('/api/v1/auth/session', { mode: 'sales', storeId: umeda, registerId })).statusCode,
    ).toBe(200);
    expect((await clerk.get(`/api/v1/stores/${umeda}/items`)).statusCode).toBe(200);
    const res = await clerk.post(`/api/v1/stores/${umeda}/adjustments`, {
      reason: 'found one',
      lines: [{ productId: 1, quantity: 1 }],
    });
    expect(res.statusCode).toBe(403);
  });

  it('starts a re-pricing task when a condition rate changes', async () => {
    const owner = await admin('owner@hoshi.example');
    const refs = await setUp(owner, akihabara);
    await owner.post(`/api/v1/stores/${akihabara}/items`, {
      ...refs,
      name: 'Zoro',
      baseSellPrice: 1000,
      baseBuyPrice: 500,
    });
    const setup = (await owner.get(`/api/v1/stores/${akihabara}/catalog/setup`)).json();
    const cond = setup.categories.find((c: { id: number }) => c.id === refs.categoryId).conditions[1];
    const res = await owner.patch(`/api/v1/stores/${akihabara}/conditions/${cond.id}`, {
      sell: { kind: 'percent', value: 5000 },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().taskId).toEqual(expect.any(Number));
  });
});
