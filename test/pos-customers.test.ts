import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshotDir, startDevApp, type ApiClient, type DevApp } from './support/browser.ts';

/**
 * The back office's 顧客 screen in Chromium against `regi dev` (fresh SQLite data, demo data):
 * register a member from the keyboard, find them by a reading typed in hiragana and by the last
 * four digits of the phone, change them, archive them. The server is asked what it holds after
 * each step.
 */
interface Customer {
  id: number;
  code: string | null;
  name: string;
  nameKana: string;
  phone: string;
  archivedAt: string | null;
}

let base: string;
let browser: DevApp['browser'];
let page: Page;
let owner: ApiClient;
let storeId: number;

const customers = (q: string, status = 'active') =>
  owner.get<{ items: Customer[] }>(
    `/api/v1/stores/${storeId}/customers?status=${status}&q=${encodeURIComponent(q)}`,
  );
const focused = () => page.evaluate<string | null>(`document.activeElement?.getAttribute('name') ?? null`);

let dev: DevApp;

beforeAll(async () => {
  dev = await startDevApp('pos-customers');
  ({ base, browser, owner } = dev);
  const stores = await owner.get<{ items: { id: number; code: string }[] }>('/api/v1/stores');
  storeId = stores.items.find((s) => s.code === 'akihabara')!.id;
  page = await browser.context.newPage();
}, 240_000);

afterAll(() => dev?.stop());

describe('the 顧客 screen in Chromium', () => {
  it('registers a member from the keyboard and finds them by reading and by phone digits', async () => {
    await page.goto(base + '/');
    await page.locator('input[name=email]').fill('owner@hoshi.example');
    await page.locator('input[name=password]').fill('regi-demo-2024');
    await page.locator('input[name=password]').press('Enter');
    await page.getByRole('button', { name: '管理モード' }).click();
    await page.getByLabel('店舗').selectOption(String(storeId));
    await page.getByRole('tab', { name: '顧客' }).click();
    await page.getByTestId('customers').waitFor();
    await expect.poll(focused).toBe('q');

    await page.keyboard.press('F3');
    const form = page.getByTestId('customer-form');
    await expect.poll(focused).toBe('name');
    await page.keyboard.type('高橋 美咲');
    await page.keyboard.press('Tab');
    await page.keyboard.type('たかはし みさき');
    await page.keyboard.press('Tab');
    await page.keyboard.type('090-2468-1357');
    await page.keyboard.press('Tab');
    await page.keyboard.type('HC-0001');
    await page.keyboard.press('Enter'); // Enter saves
    await page.getByRole('status').filter({ hasText: '高橋 美咲 様を登録しました' }).waitFor();
    // The dialog now shows the registered customer, with figures not yet kept.
    await expect.poll(() => page.getByTestId('customer-stats').innerText()).toContain('購入回数');
    const [made] = (await customers('HC-0001')).items;
    expect(made).toMatchObject({ name: '高橋 美咲', nameKana: 'タカハシ ミサキ', phone: '090-2468-1357' });
    await page.keyboard.press('Escape');
    await expect.poll(() => form.count()).toBe(0);
    await expect.poll(focused).toBe('q');

    const rows = page.getByTestId('customer-list').locator('tbody tr');
    await page.keyboard.type('たかはし');
    await page.keyboard.press('Enter');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().innerText()).toContain('タカハシ ミサキ');
    await page.locator('input[name=q]').fill('1357');
    await page.keyboard.press('Enter');
    await expect.poll(() => rows.count()).toBe(1);
    await page.locator('input[name=q]').fill('存在しない人');
    await page.keyboard.press('Enter');
    await page.getByText('該当する顧客はいません').waitFor();
    await page.locator('input[name=q]').fill('1357');
    await page.keyboard.press('Enter');
    await expect.poll(() => rows.count()).toBe(1);
    await page.screenshot({ path: path.join(screenshotDir, 'pos-customers.png') });

    // ↓ into the list, Enter opens the customer; change the phone and save with Enter.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await form.waitFor();
    await form.locator('input[name=phone]').fill('03-1111-2222');
    await form.locator('input[name=phone]').press('Enter');
    await page.getByRole('status').filter({ hasText: '高橋 美咲 様の情報を保存しました' }).first().waitFor();
    const typed = await form.locator('input[name=phone]').inputValue();
    expect((await customers('HC-0001')).items[0], `the form shows ${typed}`).toMatchObject({
      id: made!.id,
      phone: '03-1111-2222',
    });
  }, 90_000);

  it('archives the member: gone from the list and from search, kept on the server', async () => {
    const form = page.getByTestId('customer-form');
    await form.getByTestId('customer-archive').click();
    await form.getByTestId('customer-archive-confirm').click();
    await page.getByRole('status').filter({ hasText: '高橋 美咲 様を退会にしました' }).waitFor();
    await expect.poll(() => form.count()).toBe(0);
    await expect.poll(() => page.getByTestId('customer-list').locator('tbody tr').count()).toBe(0);
    expect((await customers('HC-0001')).items).toEqual([]);
    const [archived] = (await customers('HC-0001', 'archived')).items;
    expect(archived?.archivedAt).not.toBeNull();
  }, 60_000);

  it('finds the archived member with 退会済みも表示 and takes the 退会 back', async () => {
    await page.getByTestId('customers-with-archived').check();
    await page.locator('input[name=q]').fill('高橋');
    await page.locator('input[name=q]').press('Enter');
    const row = page.getByTestId('customer-list').locator('tbody tr');
    await expect.poll(() => row.innerText()).toContain('高橋 美咲 (退会済み)');
    await page.screenshot({ path: path.join(screenshotDir, 'pos-customers-archived.png') });
    await row.click();
    const form = page.getByTestId('customer-form');
    await form.getByTestId('customer-restore').click();
    await page
      .getByRole('status')
      .filter({ hasText: '高橋 美咲 様の退会を取り消しました' })
      .first()
      .waitFor();
    // Editable again, and back in the list of active members.
    await expect.poll(() => form.locator('input[name=name]').isEnabled()).toBe(true);
    await expect.poll(() => form.getByTestId('customer-restore').count()).toBe(0);
    const [restored] = (await customers('HC-0001')).items;
    expect(restored).toMatchObject({ code: 'HC-0001', archivedAt: null });
    await page.keyboard.press('Escape');
    await page.getByTestId('customers-with-archived').uncheck();
    await expect.poll(() => row.innerText()).not.toContain('退会済み');
  }, 60_000);

  it('speaks English on request', async () => {
    await page.getByTestId('lang').click();
    await page.getByRole('tab', { name: 'Customers' }).waitFor();
    await expect
      .poll(() => page.getByTestId('customer-list').locator('thead').innerText())
      .toContain('Member number');
    await page.getByTestId('lang').click();
  }, 30_000);
});
