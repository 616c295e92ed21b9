import { useState, type FormEvent } from 'react';
import { api, storeApi } from '../api.ts';
import { ErrorBanner, usePagedList, type ListPage } from '../components.tsx';
import { formatYen, useI18n } from '../i18n.tsx';
import type { Item, Me, Page, StoreSummary, TransactionRow } from '../types.ts';
import { DailyReports, Staff, StoreSettingsForm } from './Admin.tsx';
import { Customers } from './Customers.tsx';
import { StockSlips } from './Slips.tsx';
import { LedgerDialog, StockCount, StockDocumentForm, type NamedProduct } from './Stock.tsx';

/**
 * Admin mode: a store's items with stock, prices and each product's ledger; stocking, loss and
 * stock counts; the list of slips (cancel, reverse); transactions with a CSV download; customers;
 * daily reports; staff and groups; store settings.
 * A tab shows only when the account holds the permission its API asks for.
 */
export function BackOffice({ me, stores }: { me: Me; stores: StoreSummary[] }) {
  const { t } = useI18n();
  const policies = new Set(me.account.policies);
  const [chosen, setStoreId] = useState<number | null>(null);
  const storeId = chosen ?? stores[0]?.id ?? null;
  const tabs = (
    [
      ['items', 'itemsTab', 'items.view'],
      ['stocking', 'stockingTab', 'stock.stocking'],
      ['loss', 'lossTab', 'stock.edit'],
      ['count', 'countTab', 'stock.adjust'],
      ['slips', 'slipsTab', 'stock.view'],
      ['transactions', 'transactionsTab', 'transactions.view'],
      ['customers', 'customersTab', 'customers.view'],
      ['daily', 'dailyTab', 'reports.view'],
      ['staff', 'staffTab', 'staff.manage'],
      ['settings', 'settingsTab', 'store.update'],
    ] as const
  ).filter(([, , policy]) => policy === 'items.view' || policies.has(policy));
  type Tab = (typeof tabs)[number][0];
  const [tab, setTab] = useState<Tab>('items');

  return (
    <div className="page" data-testid="back-office">
      <div className="page-head">
        <h1>{t('backOffice')}</h1>
        <select
          aria-label={t('store')}
          value={storeId ?? ''}
          onChange={(e) => setStoreId(Number(e.target.value))}
        >
          {stores.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </div>
      <div className="tabs" role="tablist">
        {tabs.map(([key, label]) => (
          <button key={key} type="button" role="tab" aria-selected={tab === key} onClick={() => setTab(key)}>
            {t(label)}
          </button>
        ))}
      </div>
      {storeId !== null && tab === 'items' && <Items key={storeId} storeId={storeId} />}
      {storeId !== null && tab === 'stocking' && (
        <StockDocumentForm key={`s${storeId}`} storeId={storeId} kind="stocking" />
      )}
      {storeId !== null && tab === 'loss' && (
        <StockDocumentForm key={`l${storeId}`} storeId={storeId} kind="loss" />
      )}
      {storeId !== null && tab === 'count' && <StockCount key={storeId} storeId={storeId} />}
      {storeId !== null && tab === 'slips' && (
        <StockSlips key={storeId} storeId={storeId} canStock={policies.has('stock.stocking')} />
      )}
      {storeId !== null && tab === 'transactions' && <Transactions key={storeId} storeId={storeId} />}
      {storeId !== null && tab === 'customers' && (
        <Customers key={storeId} storeId={storeId} canManage={policies.has('customers.manage')} />
      )}
      {storeId !== null && tab === 'daily' && <DailyReports key={storeId} storeId={storeId} />}
      {tab === 'staff' && <Staff stores={stores} />}
      {storeId !== null && tab === 'settings' && <StoreSettingsForm key={storeId} storeId={storeId} />}
    </div>
  );
}

function Items({ storeId }: { storeId: number }) {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const [ledgerOf, setLedgerOf] = useState<NamedProduct | null>(null);
  const list = usePagedList<Item, string | number>(
    (after) => {
      const params = new URLSearchParams({ limit: '50' });
      if (q.trim()) params.set('q', q.trim());
      if (after !== null) params.set('cursor', String(after));
      return api<Page<Item>>(`${storeApi(storeId)}/items?${params}`);
    },
    [storeId],
  );

  return (
    <>
      <form
        className="inline"
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          void list.reload();
        }}
      >
        <input
          name="q"
          autoFocus
          placeholder={t('searchPlaceholder')}
          value={q}
          onChange={(e) => setQ(e.target.value)}
        />
        <button type="submit">{t('search')}</button>
      </form>
      <ErrorBanner error={list.error} />
      <table className="list">
        <thead>
          <tr>
            <th>{t('product')}</th>
            <th>{t('condition')}</th>
            <th>JAN / barcode</th>
            <th className="num">{t('sellPrice')}</th>
            <th className="num">{t('stock')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(list.rows ?? []).flatMap((it) =>
            it.products.map((p, i) => (
              <tr key={p.id} data-testid={`product-${p.id}`}>
                <td>{i === 0 ? [it.name, it.cardNumber, it.rarity].filter(Boolean).join(' ') : ''}</td>
                <td>{p.condition}</td>
                <td>{p.barcode ?? it.jan ?? ''}</td>
                <td className="num">{formatYen(p.sellPrice)}</td>
                <td className="num">{p.stock}</td>
                <td>
                  <button
                    type="button"
                    data-testid={`ledger-${p.id}`}
                    onClick={() =>
                      setLedgerOf({ ...p, name: [it.name, it.cardNumber].filter(Boolean).join(' ') })
                    }
                  >
                    {t('ledger')}
                  </button>
                </td>
              </tr>
            )),
          )}
        </tbody>
      </table>
      {list.hasMore && (
        <button type="button" onClick={() => void list.more()}>
          {t('loadMore')}
        </button>
      )}
      {ledgerOf && <LedgerDialog storeId={storeId} product={ledgerOf} onClose={() => setLedgerOf(null)} />}
    </>
  );
}

function Transactions({ storeId }: { storeId: number }) {
  const { t } = useI18n();
  const base = storeApi(storeId);
  const list = usePagedList<TransactionRow>(
    (after) => {
      const params = new URLSearchParams({ limit: '50' });
      if (after !== null) params.set('before', String(after));
      return api<ListPage<TransactionRow, number>>(`${base}/transactions?${params}`);
    },
    [storeId],
  );

  return (
    <>
      <a className="button" href={`${base}/transactions.csv`} download>
        {t('csv')}
      </a>
      <ErrorBanner error={list.error} />
      <table className="list" data-testid="transactions">
        <thead>
          <tr>
            <th>{t('saleNumber')}</th>
            <th>{t('date')}</th>
            <th>{t('kind')}</th>
            <th>{t('status')}</th>
            <th className="num">{t('total')}</th>
          </tr>
        </thead>
        <tbody>
          {(list.rows ?? []).map((s) => (
            <tr key={s.id}>
              <td>{s.number}</td>
              <td>{s.completedAt ?? s.createdAt}</td>
              <td>{t(s.kind === 'return' ? 'kind_return' : 'kind_sale')}</td>
              <td>{t(`status_${s.status}`)}</td>
              <td className="num">{formatYen(s.total)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.hasMore && (
        <button type="button" onClick={() => void list.more()}>
          {t('loadMore')}
        </button>
      )}
    </>
  );
}
