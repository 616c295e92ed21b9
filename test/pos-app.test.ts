import path from 'node:path';
import type { BrowserContext, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, launchChromium, screenshotDir, startDevApp, type DevApp } from './support/browser.ts';
import { freePort, spawnRegi, waitForHttp } from './support/process.ts';

/**
 * The POS app in a real browser against the real system: `regi dev` as its own process on a fresh
 * SQLite data folder with the demo data, Debian's Chromium driven by playwright-core. One shift at
 * the register, in order: sign in, open the register, sell two cards with a discount for cash,
 * print the receipt, take the sale back, close the register. Each step checks what the clerk sees
 * and what the server holds afterwards.
 */
const yen = (n: number) => `${n < 0 ? '-' : ''}¥${Math.abs(n).toLocaleString('ja-JP')}`;

interface Product {
  id: number;
  itemId: number;
  barcode: string;
  sellPrice: number;
  stock: number;
}
interface Item {
  id: number;
  name: string;
  products: Product[];
}
interface SaleView {
  id: number;
  number: string;
  status: string;
  kind?: string;
  total: number;
  change?: number | null;
  customerId?: number | null;
}

let base: string;
let browser: DevApp['browser'];
let context: BrowserContext;
let page: Page;
let owner: ApiClient;
let storeId: number;
let registerId: number;
let products: Product[];
let saleNumber: string;
let sale: SaleView;
let customer: { id: number };
let page1Names: Map<number, string>;

const shot = (name: string) => page.screenshot({ path: path.join(screenshotDir, `pos-${name}.png`) });

async function stockOf(productId: number): Promise<number> {
  return (await owner.get<Product>(`/api/v1/stores/${storeId}/products/${productId}`)).stock;
}

/** The document (receipt, settlement) shown in the frame with this test id, once it has loaded. */
async function documentText(testId: string): Promise<string> {
  const handle = await page.getByTestId(testId).elementHandle();
  const frame = (await handle!.contentFrame()) as Frame;
  await frame.waitForSelector('body');
  return frame.locator('body').innerText();
}

let dev: DevApp;

beforeAll(async () => {
  dev = await startDevApp('pos-app');
  ({ base, browser, owner } = dev);
  const stores = await owner.get<{
    items: { id: number; code: string; registers: { id: number; primary: boolean }[] }[];
  }>('/api/v1/stores');
  const akihabara = stores.items.find((s) => s.code === 'akihabara')!;
  storeId = akihabara.id;
  registerId = akihabara.registers.find((r) => r.primary)!.id;
  // Two cards in stock with their label barcodes, from two different items.
  const page1 = await owner.get<{ items: Item[] }>(`/api/v1/stores/${storeId}/items?limit=20`);
  const inStock = page1.items
    .map((it) => it.products.find((p) => p.stock > 0 && p.sellPrice > 100 && p.barcode))
    .filter((p): p is Product => !!p);
  products = inStock.slice(0, 2);
  expect(products).toHaveLength(2);
  page1Names = new Map(page1.items.map((it) => [it.id, it.name]));
  // A member the first sale is made to (picked at the register by member number).
  customer = await owner.post<{ id: number }>(`/api/v1/stores/${storeId}/customers`, {
    name: '鈴木 一郎',
    code: 'HC-0100',
  });

  context = browser.context;
  page = await context.newPage();
}, 240_000);

afterAll(() => dev?.stop());

describe('the POS app in Chromium', () => {
  it('signs in in Japanese, chooses the register and unlocks with the staff code', async () => {
    await page.goto(base + '/');
    await page.getByRole('button', { name: 'サインイン' }).waitFor(); // Japanese by default
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.getByRole('button', { name: '日本語' }).click();
    await page.locator('input[name=email]').fill('owner@hoshi.example');
    await page.locator('input[name=password]').fill('regi-demo-2024');
    await page.locator('input[name=password]').press('Enter');
    await page.getByText('モードを選択').waitFor();
    await page.locator('select[name=register]').selectOption(String(registerId));
    await page.getByRole('button', { name: /販売モード/ }).click();
    // Hoshi Cards uses staff codes: the shared terminal is locked until a clerk identifies.
    await page.getByText('担当者コードを入力してください').waitFor();
    await page.locator('input[name=staffCode]').fill('0000');
    await page.locator('input[name=staffCode]').press('Enter');
    await page.getByRole('alert').filter({ hasText: 'この担当者コードはこの店舗で使えません' }).waitFor();
    await page.locator('input[name=staffCode]').fill('1001');
    await page.locator('input[name=staffCode]').press('Enter');
    // The register is closed, so the app goes to the register checks.
    await page.getByTestId('register-ops').waitFor();
    expect(await page.getByTestId('register-status').innerText()).toBe('締め済み');
    expect(new URL(page.url()).pathname).toBe('/register-ops');
  }, 60_000);

  it('opens the register with the denomination count', async () => {
    await page.getByTestId('open-register').click();
    const form = page.getByTestId('count-form');
    await form.locator('input[name=count-1000]').fill('20');
    await form.locator('input[name=count-100]').fill('50');
    expect(await page.getByTestId('count-total').innerText()).toBe(yen(25_000));
    await page.getByTestId('count-submit').click();
    await page.getByText('レジを開けました').waitFor();
    await expect.poll(() => page.getByTestId('register-status').innerText()).toBe('営業中');
    const state = await owner.get<{ status: string; expectedCash: number }>(
      `/api/v1/stores/${storeId}/registers/${registerId}/state`,
    );
    expect(state).toMatchObject({ status: 'open', expectedCash: 25_000 });
  }, 60_000);

  it('scans two cards, gives a cart discount and shows the server’s totals', async () => {
    await page.getByTestId('to-register').click();
    const scan = page.getByTestId('scan');
    await scan.waitFor();
    await expect
      .poll(() => page.evaluate<string | null>(`document.activeElement?.getAttribute('data-testid') ?? null`))
      .toBe('scan');
    // A keyboard-wedge scanner: the code's characters, then Enter, into whatever has the focus.
    const scanCode = async (code: string) => {
      await page.keyboard.type(code);
      await page.keyboard.press('Enter');
    };
    await scanCode('2999999999999');
    await page
      .getByRole('alert')
      .filter({ hasText: 'コード 2999999999999 の商品は見つかりません' })
      .waitFor();
    await scanCode(products[0]!.barcode);
    await expect.poll(() => page.getByTestId('cart').innerText()).toContain(yen(products[0]!.sellPrice));
    // Put the cart aside for the next customer (F6), then take it back (F7, first in the list).
    await page.keyboard.press('F6');
    await expect.poll(() => page.getByTestId('cart-line').count()).toBe(0);
    await page.keyboard.press('F7');
    await page.getByTestId('held').getByRole('button', { name: '1' }).waitFor();
    await page.keyboard.press('1');
    await expect.poll(() => page.getByTestId('cart-line').count()).toBe(1);
    // F2 finds the second card by its item's name; Enter searches, Enter takes the highlighted row.
    const itemName = page1Names.get(products[1]!.itemId)!;
    await page.keyboard.press('F2');
    await page.locator('input[name=q]').waitFor();
    await page.keyboard.type(itemName);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.modal table.list tbody tr').count()).toBeGreaterThan(0);
    expect(await page.locator('.modal table.list').innerText()).toContain(itemName);
    await page.keyboard.press('Escape');
    await expect
      .poll(() => page.evaluate<string | null>(`document.activeElement?.getAttribute('data-testid') ?? null`))
      .toBe('scan');
    await scanCode(products[1]!.barcode);
    await expect.poll(() => page.getByTestId('cart').innerText()).toContain(yen(products[1]!.sellPrice));
    await expect.poll(() => page.getByTestId('cart-line').count()).toBe(2);
    await page.keyboard.press('F4');
    const dialog = page.getByTestId('discount');
    await dialog.locator('input[name=value]').fill('100');
    await dialog.locator('input[name=value]').press('Enter');
    const expected = products[0]!.sellPrice + products[1]!.sellPrice - 100;
    await expect.poll(() => page.getByTestId('total').innerText()).toBe(yen(expected));
    expect(await page.getByTestId('cart-discount').innerText()).toBe(yen(-100));
    // The customer the sale is made to: F5, their member number, Enter to search, Enter to take.
    await page.keyboard.press('F5');
    const found = page.getByTestId('customer-dialog');
    await found.locator('input[name=q]').waitFor();
    await page.keyboard.type('HC-0100');
    await page.keyboard.press('Enter');
    await expect.poll(() => found.innerText()).toContain('鈴木 一郎');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('sale-customer').innerText()).toContain('鈴木 一郎 (HC-0100)');
    // The tax shown is the server's figure for this cart, not one the browser worked out.
    const open = await owner.get<{ items: { id: number }[] }>(
      `/api/v1/stores/${storeId}/sales?registerId=${registerId}`,
    );
    const draft = await owner.get<{ tax: number; total: number }>(
      `/api/v1/stores/${storeId}/sales/${open.items[0]!.id}`,
    );
    expect(draft.total).toBe(expected);
    expect(await page.getByTestId('totals').innerText()).toContain(`内消費税 ${yen(draft.tax)}`);
    await shot('register');
  }, 60_000);

  it('takes cash with change, completes the sale once despite a double click, and prints the receipt', async () => {
    const before = await Promise.all(products.map((p) => stockOf(p.id)));
    await page.keyboard.press('F9');
    const total = products[0]!.sellPrice + products[1]!.sellPrice - 100;
    expect(await page.getByTestId('pay-total').innerText()).toBe(yen(total));
    const tendered = Math.ceil((total + 1) / 10_000) * 10_000;
    await page.locator('input[name=tendered]').fill(String(tendered));
    expect(await page.getByTestId('pay-change').innerText()).toBe(yen(tendered - total));
    await shot('pay');
    await page.getByTestId('complete').dblclick();
    await page.getByTestId('completed').waitFor();
    expect(await page.getByTestId('change').innerText()).toBe(yen(tendered - total));
    saleNumber = await page.getByTestId('sale-number').innerText();

    await page.getByTestId('show-receipt').click();
    await expect.poll(() => documentText('receipt')).toContain(saleNumber);
    const receipt = await documentText('receipt');
    expect(receipt).toContain('お釣り');
    expect(receipt).toContain(yen(tendered - total).replace('¥', ''));

    // On the server: one completed sale, each card's stock down by exactly one.
    sale = await owner.get<SaleView>(
      `/api/v1/stores/${storeId}/sales/lookup?number=${encodeURIComponent(saleNumber)}`,
    );
    expect(sale).toMatchObject({
      status: 'completed',
      total,
      change: tendered - total,
      customerId: customer.id,
    });
    expect(await Promise.all(products.map((p) => stockOf(p.id)))).toEqual(before.map((n) => n - 1));
    const state = await owner.get<{ expectedCash: number }>(
      `/api/v1/stores/${storeId}/registers/${registerId}/state`,
    );
    expect(state.expectedCash).toBe(25_000 + total);
  }, 60_000);

  it('returns the sale by its number and refunds it', async () => {
    const before = await Promise.all(products.map((p) => stockOf(p.id)));
    await page.getByRole('button', { name: /次のお客様/ }).click();
    await page.keyboard.press('F10');
    await page.getByTestId('returns').waitFor();
    await page.locator('input[name=saleNumber]').fill(saleNumber);
    await page.locator('input[name=saleNumber]').press('Enter');
    await page.getByTestId('return-sale').waitFor();
    await page.getByTestId('refund').click();
    await page.getByTestId('return-done').waitFor();
    expect(await page.getByTestId('return-done').innerText()).toContain(yen(sale.total));

    expect(await Promise.all(products.map((p) => stockOf(p.id)))).toEqual(before.map((n) => n + 1));
    const again = await owner.request<{ code: string }>(
      'POST',
      `/api/v1/stores/${storeId}/sales/${sale.id}/return`,
      { registerId, reason: 'twice' },
    );
    expect([again.status, again.body.code]).toEqual([409, 'already_returned']);
  }, 60_000);

  it('closes the register with the count and shows the printed settlement', async () => {
    // A deep link, as a bookmark or a reload would open it: the server answers the app, the app the page.
    await page.goto(base + '/register-ops');
    // Today's summary: the sale in cash and its refund, per payment method.
    const summary = page.getByTestId('today-summary');
    await expect.poll(() => summary.getByTestId('summary-sales').innerText()).toBe(yen(sale.total));
    expect(await summary.getByTestId('summary-refunds').innerText()).toBe(yen(sale.total));
    expect(await summary.getByTestId('method-cash').innerText()).toContain('現金');
    await page.getByTestId('close-register').click();
    const form = page.getByTestId('count-form');
    await form.locator('input[name=count-1000]').fill('20');
    await form.locator('input[name=count-100]').fill('50');
    // The sale and its refund cancel out: the drawer holds the opening float.
    expect(await page.getByTestId('count-difference').innerText()).toBe(yen(0));
    await form.locator('input[name=nextFloat]').fill('25000');
    await page.getByTestId('count-submit').click();
    await page.getByText('レジを締めました').waitFor();
    await expect.poll(() => page.getByTestId('register-status').innerText()).toBe('締め済み');
    await expect.poll(() => documentText('settlement')).toContain('25,000');
    await shot('close');

    const state = await owner.get<{ status: string }>(
      `/api/v1/stores/${storeId}/registers/${registerId}/state`,
    );
    expect(state.status).toBe('closed');
    const checks = await owner.get<{ items: { kind: string; difference: number; counted: number }[] }>(
      `/api/v1/stores/${storeId}/registers/settlements?registerId=${registerId}`,
    );
    expect(checks.items[0]).toMatchObject({ kind: 'close', counted: 25_000, difference: 0 });
  }, 60_000);

  it('locks the terminal on demand, then shows the day in the back office with a CSV link', async () => {
    await page.getByRole('button', { name: 'ロック', exact: true }).click();
    await page.getByText('担当者コードを入力してください').waitFor();
    await page.locator('input[name=staffCode]').fill('1001');
    await page.locator('input[name=staffCode]').press('Enter');
    await page.getByTestId('register-ops').waitFor();

    await page.getByRole('button', { name: 'モード変更' }).click();
    await page.getByRole('button', { name: '管理モード' }).click();
    await page.getByTestId('back-office').waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin');
    await page.getByRole('tab', { name: '取引一覧' }).click();
    const list = page.getByTestId('transactions');
    await expect.poll(() => list.locator('tbody tr').count()).toBe(2);
    expect(await list.innerText()).toContain(saleNumber);
    expect(await list.innerText()).toContain('返品');
    const csv = await page.getByRole('link', { name: 'CSVダウンロード' }).getAttribute('href');
    expect(csv).toBe(`/api/v1/stores/${storeId}/transactions.csv`);
  }, 60_000);

  it('receives a stocking slip: the product’s stock goes up on the screen and on the server', async () => {
    const p = products[0]!;
    const before = await stockOf(p.id);
    await page.getByRole('tab', { name: '入荷' }).click();
    const form = page.getByTestId('stocking');
    await form.locator('input[name=product]').fill(p.barcode);
    await form.locator('input[name=product]').press('Enter');
    await form.locator(`input[name=qty-${p.id}]`).fill('3');
    await form.locator(`input[name=cost-${p.id}]`).fill('500');
    await form.locator('input[name=note]').fill('問屋A');
    await page.getByTestId('doc-submit').click();
    await expect.poll(() => page.getByTestId('doc-status').innerText()).toBe('未入荷');
    expect(await stockOf(p.id)).toBe(before); // planned: nothing moved yet
    await page.getByTestId('receive').click();
    await expect.poll(() => page.getByTestId('doc-status').innerText()).toBe('入荷済み');
    await shot('stocking');
    expect(await stockOf(p.id)).toBe(before + 3);

    await page.getByRole('tab', { name: '商品・在庫' }).click();
    const row = page.getByTestId(`product-${p.id}`);
    await expect.poll(() => row.locator('td').nth(4).innerText()).toBe(String(before + 3));
    // 在庫履歴: the newest ledger row is this stocking, +3, with the balance after it.
    await page.getByTestId(`ledger-${p.id}`).click();
    const ledger = page.getByTestId('ledger');
    await expect.poll(() => ledger.locator('tbody tr').count()).toBeGreaterThan(0);
    const first = await ledger.locator('tbody tr').first().innerText();
    expect(first).toContain('入荷');
    expect(first).toContain('+3');
    expect(first).toContain(String(before + 3));
    await shot('ledger');
    const api = await owner.get<{ items: { quantity: number; sourceKind: string; balanceAfter: number }[] }>(
      `/api/v1/stores/${storeId}/products/${p.id}/ledger?limit=1`,
    );
    expect(api.items[0]).toMatchObject({ quantity: 3, sourceKind: 'stocking', balanceAfter: before + 3 });
    await page.keyboard.press('Escape');
    await expect.poll(() => ledger.count()).toBe(0);
  }, 60_000);

  it('lists the slips, cancels a planned stocking and reverses the received one (stock back down)', async () => {
    const p = products[0]!;
    const before = await stockOf(p.id);
    const planned = await owner.post<{ id: number }>(`/api/v1/stores/${storeId}/stockings`, {
      supplier: '問屋B',
      lines: [{ productId: products[1]!.id, quantity: 2, unitCost: null }],
    });
    interface Slip {
      id: number;
      status: string;
      supplier: string;
      lineCount: number;
      reversesId: number | null;
    }
    const slips = (q: string) =>
      owner.get<{ items: Slip[]; nextBefore: number | null }>(
        `/api/v1/stores/${storeId}/stock-documents?${q}`,
      );
    const listed = await slips('kind=stocking');
    expect(listed.items[0]).toMatchObject({
      id: planned.id,
      status: 'planned',
      supplier: '問屋B',
      lineCount: 1,
    });
    const received = listed.items.find((d) => d.status === 'final' && d.supplier === '問屋A')!;
    expect(received).toBeDefined();

    await page.getByRole('tab', { name: '伝票一覧' }).click();
    await expect.poll(() => page.getByTestId(`slip-status-${planned.id}`).innerText()).toBe('未入荷');
    expect(await page.getByTestId(`slip-${received.id}`).innerText()).toContain('問屋A');
    expect(await page.getByTestId(`slip-status-${received.id}`).innerText()).toBe('入荷済み');

    await page.getByTestId(`cancel-${planned.id}`).click();
    await page
      .getByRole('status')
      .filter({ hasText: `入荷伝票 #${planned.id} を中止しました` })
      .waitFor();
    await expect.poll(() => page.getByTestId(`slip-status-${planned.id}`).innerText()).toBe('中止');

    await page.getByTestId(`reverse-${received.id}`).click();
    const reason = page.getByTestId('reverse-form').locator('input[name=reason]');
    await reason.fill('数量違い');
    await reason.press('Enter');
    await page
      .getByRole('status')
      .filter({ hasText: `入荷伝票 #${received.id} を取り消しました` })
      .waitFor();
    await expect.poll(() => page.getByTestId(`slip-status-${received.id}`).innerText()).toBe('取消済み');
    const rows = page.getByTestId('slip-list').locator('tbody tr');
    await expect.poll(() => rows.first().innerText()).toContain(`#${received.id} の取消`);
    expect(await rows.first().innerText()).toContain('確定');
    await shot('slips');

    // On the server: the stock is back down by the slip's 3, the reversal is the newest slip.
    expect(await stockOf(p.id)).toBe(before - 3);
    const after = await slips('kind=stocking&limit=1');
    expect(after.items[0]).toMatchObject({ reversesId: received.id, status: 'final', lineCount: 1 });
    expect(after.nextBefore).toBe(after.items[0]!.id);
    expect(
      await owner.get<{ status: string }>(`/api/v1/stores/${storeId}/stock-documents/${received.id}`),
    ).toMatchObject({ status: 'reversed' });
    expect((await slips('status=cancelled')).items.map((d) => d.id)).toEqual([planned.id]);

    // The status filter on the screen asks the server for those slips only.
    await page.locator('select[name=status]').selectOption('cancelled');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().innerText()).toContain('問屋B');
    await page.getByRole('tab', { name: '商品・在庫' }).click();
    await expect
      .poll(() => page.getByTestId(`product-${p.id}`).locator('td').nth(4).innerText())
      .toBe(String(before - 3));
  }, 60_000);

  it('records a loss with a reason', async () => {
    const p = products[1]!;
    const before = await stockOf(p.id);
    await page.getByRole('tab', { name: 'ロス' }).click();
    const form = page.getByTestId('loss');
    await form.locator('input[name=product]').fill(p.barcode);
    await form.locator('input[name=product]').press('Enter');
    await form.locator(`input[name=qty-${p.id}]`).waitFor();
    await form.locator('input[name=note]').fill('破損');
    await page.getByTestId('doc-submit').click();
    await page.getByText('ロスを登録しました').waitFor();
    expect(await stockOf(p.id)).toBe(before - 1);
  }, 60_000);

  it('applies a stock count and shows the difference', async () => {
    const p = products[0]!;
    const before = await stockOf(p.id);
    await page.getByRole('tab', { name: '棚卸' }).click();
    await page.getByTestId('count-start').click();
    const count = page.getByTestId('count');
    await count.locator('input[name=product]').fill(p.barcode);
    await count.locator('input[name=product]').press('Enter');
    await count.locator(`input[name=counted-${p.id}]`).fill(String(before - 1));
    await page.getByTestId('count-review').click();
    const diffs = page.getByTestId('count-diffs');
    await expect.poll(() => diffs.locator('tbody tr').count()).toBe(1);
    const cells = await diffs.locator('tbody tr td').allInnerTexts();
    expect(cells.slice(1)).toEqual([String(before), String(before - 1), '-1']);
    expect(await stockOf(p.id)).toBe(before); // reviewing moves nothing
    await page.getByTestId('count-apply').click();
    await page.getByText('棚卸を反映しました').waitFor();
    expect(await stockOf(p.id)).toBe(before - 1);
    const api = await owner.get<{ items: { quantity: number; sourceKind: string }[] }>(
      `/api/v1/stores/${storeId}/products/${p.id}/ledger?limit=1`,
    );
    expect(api.items[0]).toMatchObject({ quantity: -1, sourceKind: 'count' });
  }, 60_000);

  it('creates a clerk with a group and a store, and lists the groups with their permissions', async () => {
    await page.getByRole('tab', { name: 'スタッフ' }).click();
    // Permissions in the UI language, not the policy names.
    await expect.poll(() => page.getByTestId('group-list').innerText()).toContain('レジ開け・締め');
    const form = page.getByTestId('staff-form');
    await form.locator('input[name=displayName]').fill('山田 花子');
    await form.locator('input[name=email]').fill('hanako@hoshi.example');
    await form.locator('input[name=password]').fill('hanako-pass-2024');
    await form.locator('input[name=employeeCode]').fill('2001');
    await form.locator(`input[name=store-${storeId}]`).check();
    await page.getByTestId('staff-create').click();
    await page.getByText('山田 花子 さんを追加しました').waitFor();
    await expect.poll(() => page.getByTestId('staff-list').innerText()).toContain('hanako@hoshi.example');
    await shot('staff');
    const staff = await owner.get<{ items: { email: string; storeIds: number[]; groupId: number }[] }>(
      '/api/v1/admin/staff',
    );
    const groups = await owner.get<{ items: { id: number; builtin: string | null }[] }>(
      '/api/v1/admin/groups',
    );
    const clerk = groups.items.find((g) => g.builtin === 'clerk')!;
    expect(staff.items.find((s) => s.email === 'hanako@hoshi.example')).toMatchObject({
      storeIds: [storeId],
      groupId: clerk.id,
    });
  }, 60_000);

  it('edits the clerk, disables the account (sign-in refused) and enables it again', async () => {
    const signIn = () =>
      new ApiClient(base).request<{ code: string }>('POST', '/api/v1/auth/login', {
        email: 'hanako@hoshi.example',
        password: 'hanako-pass-2024',
      });
    expect((await signIn()).status).toBe(200);
    const all = await owner.get<{ items: { id: number; email: string }[] }>('/api/v1/admin/staff');
    const hanako = all.items.find((s) => s.email === 'hanako@hoshi.example')!;
    await page.getByTestId(`edit-staff-${hanako.id}`).click();
    const dialog = page.getByTestId('staff-edit');
    await dialog.locator('input[name=displayName]').fill('山田 花子（遅番）');
    await dialog.locator('input[name=employeeCode]').fill('2002');
    await dialog.locator('input[name=employeeCode]').press('Enter'); // keyboard: Enter saves
    await page.getByText('山田 花子（遅番） さんを保存しました').waitFor();
    await dialog.getByTestId('staff-show-barcode').click();
    await expect.poll(() => dialog.getByTestId('staff-barcode').innerText()).toMatch(/\S{10,}/);

    await dialog.getByTestId('staff-disable').click();
    await page.getByText('山田 花子（遅番） さんのアカウントを無効にしました').waitFor();
    expect(await dialog.getByTestId('staff-state').innerText()).toBe('無効');
    await expect.poll(() => page.getByTestId(`staff-${hanako.id}`).innerText()).toContain('無効');
    const refused = await signIn();
    expect([refused.status, refused.body.code]).toEqual([401, 'invalid_credentials']);
    expect(await owner.get(`/api/v1/admin/staff/${hanako.id}`)).toMatchObject({
      displayName: '山田 花子（遅番）',
      employeeCode: '2002',
      disabled: true,
    });

    await dialog.getByTestId('staff-enable').click();
    await expect.poll(() => dialog.getByTestId('staff-state').innerText()).toBe('有効');
    expect((await signIn()).status).toBe(200);
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
  }, 60_000);

  it('creates a permission group and edits its permissions (names in Japanese)', async () => {
    await page.getByTestId('new-group').click();
    const dialog = page.getByTestId('group-edit');
    await dialog.locator('input[name=groupName]').fill('棚卸係');
    await dialog.getByLabel('在庫の閲覧').check();
    await dialog.getByTestId('group-save').click();
    await page.getByText('権限グループ「棚卸係」を保存しました').waitFor();
    type G = { id: number; name: string; policies: string[] };
    const made = (await owner.get<{ items: G[] }>('/api/v1/admin/groups')).items.find(
      (g) => g.name === '棚卸係',
    )!;
    expect(made.policies).toEqual(['stock.view']);

    await page.getByTestId(`edit-group-${made.id}`).click();
    await dialog.getByLabel('在庫の編集（ロス・棚卸入力）').check();
    await dialog.getByLabel('在庫調整・棚卸反映').check();
    await dialog.getByLabel('在庫の閲覧').uncheck();
    await dialog.getByTestId('group-save').click();
    await page.getByText('権限グループ「棚卸係」を保存しました').waitFor();
    await expect
      .poll(() => page.getByTestId(`group-${made.id}`).innerText())
      .toContain('在庫の編集（ロス・棚卸入力）・在庫調整・棚卸反映');
    const after = (await owner.get<{ items: G[] }>('/api/v1/admin/groups')).items.find(
      (g) => g.id === made.id,
    )!;
    expect(after.policies).toEqual(['stock.edit', 'stock.adjust']);
    await shot('groups');
  }, 60_000);

  it('refuses, in words, a permission the signed-in manager does not hold (no escalation)', async () => {
    const g = await owner.post<{ id: number }>('/api/v1/admin/groups', {
      name: '店長代理',
      policies: ['mode.admin', 'staff.manage'],
    });
    await owner.post('/api/v1/admin/staff', {
      displayName: '副店長',
      email: 'sub@hoshi.example',
      password: 'sub-manager-2024',
      groupId: g.id,
      storeIds: [storeId],
    });
    const other = await launchChromium(); // a second terminal: the owner's page stays signed in
    try {
      const p2 = await other.context.newPage();
      await p2.goto(base + '/');
      await p2.locator('input[name=email]').fill('sub@hoshi.example');
      await p2.locator('input[name=password]').fill('sub-manager-2024');
      await p2.locator('input[name=password]').press('Enter');
      await p2.getByRole('button', { name: '管理モード' }).click();
      await p2.getByRole('tab', { name: 'スタッフ' }).click();
      await p2.getByTestId('new-group').click();
      const dialog = p2.getByTestId('group-edit');
      await dialog.locator('input[name=groupName]').fill('返金係');
      await dialog.getByLabel('返品・返金').check();
      await dialog.getByTestId('group-save').click();
      await dialog
        .getByRole('alert')
        .filter({ hasText: '自分が持っていない権限は付与できません: 返品・返金' })
        .waitFor();
    } finally {
      await other.close();
    }
    const groups = await owner.get<{ items: { name: string }[] }>('/api/v1/admin/groups');
    expect(groups.items.map((x) => x.name)).not.toContain('返金係');
  }, 60_000);

  it('edits the store’s receipt footer and staff-code timeout', async () => {
    await page.getByRole('tab', { name: '店舗設定' }).click();
    const form = page.getByTestId('store-settings');
    await form.locator('textarea[name=receiptFooter]').fill('またのご来店をお待ちしております');
    await form.locator('input[name=staffCodeTimeoutMinutes]').fill('15');
    await page.getByTestId('settings-save').click();
    await page.getByText('保存しました').waitFor();
    const store = await owner.get<{ receiptFooter: string; staffCodeTimeoutMinutes: number }>(
      `/api/v1/stores/${storeId}`,
    );
    expect(store).toMatchObject({
      receiptFooter: 'またのご来店をお待ちしております',
      staffCodeTimeoutMinutes: 15,
    });
  }, 60_000);

  it('shows the daily report of the shift’s business day, with its CSV link', async () => {
    const tx = await owner.get<{ items: { number: string | null; businessDate: string | null }[] }>(
      `/api/v1/stores/${storeId}/transactions?limit=10`,
    );
    const day = tx.items.find((r) => r.number === saleNumber)!.businessDate!;
    const job = spawnRegi(['job', 'daily-calculate', '--date', day, '--store', String(storeId)], {
      REGI_DATA_DIR: dev.dataDir,
      DATABASE_URL: '',
      VALKEY_URL: '',
      LOG_LEVEL: 'warn',
    });
    expect(await job.exited).toBe(0);

    await page.getByRole('tab', { name: '日報' }).click();
    const daily = page.getByTestId('daily');
    await daily.locator('input[name=from]').fill(day);
    await daily.locator('input[name=to]').fill(day);
    await daily.getByRole('button', { name: '表示' }).click();
    const table = page.getByTestId('daily-table');
    await expect.poll(() => table.locator('tbody tr').count()).toBe(1);
    const row = await table.locator('tbody tr').innerText();
    expect(row).toContain(day);
    expect(row).toContain(yen(sale.total)); // sold and returned: both show
    expect(row).toContain('現金');
    const api = await owner.get<{ days: { salesNet: number; returnsNet: number; netTakings: number }[] }>(
      `/api/v1/stores/${storeId}/reports/daily?from=${day}&to=${day}`,
    );
    expect(api.days[0]).toMatchObject({ salesNet: sale.total, returnsNet: sale.total, netTakings: 0 });
    expect(await page.getByTestId('daily-csv').getAttribute('href')).toBe(
      `/api/v1/stores/${storeId}/reports/daily.csv?from=${day}&to=${day}`,
    );
    await shot('daily');
  }, 60_000);

  it('serves the same app from `regi run pos-web-app` alone (split mode), deep links included', async () => {
    const port = await freePort();
    const alone = spawnRegi(['run', 'pos-web-app'], {
      REGI_DATA_DIR: dev.dataDir,
      DATABASE_URL: '',
      VALKEY_URL: '',
      POS_PORT: String(port),
      LOG_LEVEL: 'warn',
    });
    try {
      const root = await waitForHttp(`http://127.0.0.1:${port}/`);
      expect(await root.text()).toContain('<div id="root">');
      const deep = await fetch(`http://127.0.0.1:${port}/register-ops`);
      expect([deep.status, deep.headers.get('cache-control')]).toEqual([200, 'no-cache']);
      const api = await fetch(`http://127.0.0.1:${port}/api/v1/no-such-route`);
      expect([api.status, ((await api.json()) as { code: string }).code]).toEqual([404, 'route_not_found']);
    } finally {
      alone.child.kill('SIGTERM');
      await alone.exited;
    }
  }, 60_000);
});
