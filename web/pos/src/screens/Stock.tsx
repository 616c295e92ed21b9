import { useState, type FormEvent } from 'react';
import { api, storeApi } from '../api.ts';
import {
  ErrorBanner,
  Modal,
  Notice,
  parseYen,
  useAction,
  usePagedList,
  type ListPage,
} from '../components.tsx';
import { describeError } from '../errors.ts';
import { formatTime, formatYen, useI18n } from '../i18n.tsx';
import type { CountDifference, Item, LedgerRow, Lookup, Page, Product, StockDocument } from '../types.ts';

/** A product with the words a clerk recognises it by (item name, number, condition). */
export interface NamedProduct extends Product {
  name: string;
}

const itemTitle = (it: Item) => [it.name, it.cardNumber, it.rarity].filter(Boolean).join(' ');

/**
 * Finds a product by a scanned code (barcode or JAN) or, when no code matches, by the search text:
 * one match is picked at once, several are listed to choose from (a digit or a click).
 */
export function ProductPicker({ storeId, onPick }: { storeId: number; onPick: (p: NamedProduct) => void }) {
  const { t } = useI18n();
  const base = storeApi(storeId);
  const [text, setText] = useState('');
  const [choices, setChoices] = useState<NamedProduct[]>([]);
  const [error, setError] = useState<string | null>(null);

  const pick = (p: NamedProduct) => {
    setChoices([]);
    setText('');
    onPick(p);
  };
  const find = async (e: FormEvent) => {
    e.preventDefault();
    const value = text.trim();
    if (!value) return;
    setError(null);
    try {
      const found = await api<Lookup>(`${base}/lookup?code=${encodeURIComponent(value)}`);
      let named: NamedProduct[];
      if (found.products.length > 0) {
        const ids = [...new Set(found.products.map((p) => p.itemId))];
        const items = await Promise.all(ids.map((id) => api<Item>(`${base}/items/${id}`)));
        const names = new Map(items.map((it) => [it.id, itemTitle(it)]));
        named = found.products.map((p) => ({ ...p, name: names.get(p.itemId) ?? '' }));
      } else {
        const page = await api<Page<Item>>(`${base}/items?${new URLSearchParams({ q: value, limit: '20' })}`);
        named = page.items.flatMap((it) => it.products.map((p) => ({ ...p, name: itemTitle(it) })));
      }
      if (named.length === 0) setError(t('noResults'));
      else if (named.length === 1) pick(named[0]!);
      else setChoices(named);
    } catch (err) {
      setError(describeError(err, t));
    }
  };

  return (
    <>
      <form className="inline" onSubmit={find}>
        <input
          name="product"
          className="wide"
          autoFocus
          placeholder={t('pickPlaceholder')}
          value={text}
          onChange={(e) => setText(e.target.value)}
          aria-label={t('product')}
        />
        <button type="submit">{t('add')}</button>
      </form>
      <ErrorBanner error={error} />
      {choices.length > 0 && (
        <Modal title={t('chooseProduct')} onClose={() => setChoices([])} wide>
          <table className="list" data-testid="product-choices">
            <tbody>
              {choices.map((p, i) => (
                <tr key={p.id}>
                  <td>
                    <button type="button" onClick={() => pick(p)}>
                      {i + 1}
                    </button>
                  </td>
                  <td>{p.name}</td>
                  <td>{p.condition}</td>
                  <td className="num">{p.stock}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Modal>
      )}
    </>
  );
}

interface Line {
  product: NamedProduct;
  quantity: string;
  unitCost: string;
}

/**
 * 入荷 (stocking) and ロス (loss): pick products, give quantities (and the unit cost of a stocking),
 * then record. A stocking is first planned (a document), then received into stock; a loss moves
 * stock at once and needs a reason.
 */
export function StockDocumentForm({ storeId, kind }: { storeId: number; kind: 'stocking' | 'loss' }) {
  const { t } = useI18n();
  const base = storeApi(storeId);
  const [lines, setLines] = useState<Line[]>([]);
  const [note, setNote] = useState('');
  const [doc, setDoc] = useState<StockDocument | null>(null);
  const [names, setNames] = useState<Map<number, NamedProduct>>(new Map());
  const { busy, error, notice, setNotice, run } = useAction();

  const add = (p: NamedProduct) => {
    setNames((m) => new Map(m).set(p.id, p));
    setLines((old) =>
      old.some((l) => l.product.id === p.id)
        ? old.map((l) => (l.product.id === p.id ? { ...l, quantity: String(Number(l.quantity) + 1) } : l))
        : [...old, { product: p, quantity: '1', unitCost: '' }],
    );
  };
  const change = (i: number, patch: Partial<Line>) =>
    setLines((old) => old.map((l, k) => (k === i ? { ...l, ...patch } : l)));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const body = lines.map((l) => ({
        productId: l.product.id,
        quantity: Number(l.quantity),
        ...(kind === 'stocking' ? { unitCost: l.unitCost.trim() === '' ? null : parseYen(l.unitCost) } : {}),
      }));
      if (kind === 'stocking') {
        setDoc(
          await api<StockDocument>(`${base}/stockings`, {
            method: 'POST',
            body: { supplier: note, lines: body },
          }),
        );
      } else {
        await api<StockDocument>(`${base}/losses`, { method: 'POST', body: { reason: note, lines: body } });
        setNotice(t('lossRecorded'));
      }
      setLines([]);
      setNote('');
    });
  };

  const receive = () =>
    void run(async () => {
      setDoc(await api<StockDocument>(`${base}/stockings/${doc!.id}/receive`, { method: 'POST' }));
      setNotice(t('stockingReceived'));
    });

  return (
    <div data-testid={kind === 'stocking' ? 'stocking' : 'loss'}>
      <ProductPicker storeId={storeId} onPick={add} />
      <ErrorBanner error={error} />
      <Notice text={notice} />
      <form onSubmit={submit}>
        <table className="list" data-testid="doc-lines">
          <thead>
            <tr>
              <th>{t('product')}</th>
              <th>{t('condition')}</th>
              <th className="num">{t('stock')}</th>
              <th className="num">{t('quantity')}</th>
              {kind === 'stocking' && <th className="num">{t('unitCost')}</th>}
              <th />
            </tr>
          </thead>
          <tbody>
            {lines.map((l, i) => (
              <tr key={l.product.id}>
                <td>{l.product.name}</td>
                <td>{l.product.condition}</td>
                <td className="num">{l.product.stock}</td>
                <td className="num">
                  <input
                    name={`qty-${l.product.id}`}
                    inputMode="numeric"
                    className="small"
                    aria-label={t('quantity')}
                    value={l.quantity}
                    onChange={(e) => change(i, { quantity: e.target.value })}
                  />
                </td>
                {kind === 'stocking' && (
                  <td className="num">
                    <input
                      name={`cost-${l.product.id}`}
                      inputMode="numeric"
                      className="small"
                      aria-label={t('unitCost')}
                      value={l.unitCost}
                      onChange={(e) => change(i, { unitCost: e.target.value })}
                    />
                  </td>
                )}
                <td>
                  <button type="button" onClick={() => setLines((old) => old.filter((_, k) => k !== i))}>
                    {t('remove')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="inline">
          <label>
            {kind === 'stocking' ? t('supplier') : t('reason')}{' '}
            <input name="note" value={note} onChange={(e) => setNote(e.target.value)} />
          </label>
          <button
            type="submit"
            className="primary"
            disabled={busy || lines.length === 0}
            data-testid="doc-submit"
          >
            {kind === 'stocking' ? t('planStocking') : t('recordLoss')}
          </button>
        </div>
      </form>
      {doc && (
        <div className="card" data-testid="stocking-doc">
          <h2>
            {t('stockingDoc')} #{doc.id} —{' '}
            <span data-testid="doc-status">{t(`docStatus_${doc.status}`)}</span>
          </h2>
          <table className="list">
            <tbody>
              {doc.lines.map((l) => (
                <tr key={l.productId}>
                  <td>{names.get(l.productId)?.name ?? `#${l.productId}`}</td>
                  <td className="num">{l.quantity}</td>
                  <td className="num">{l.unitCost === null ? '—' : formatYen(l.unitCost)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {doc.status === 'planned' && (
            <button type="button" className="primary" disabled={busy} onClick={receive} data-testid="receive">
              {t('receiveStocking')}
            </button>
          )}
        </div>
      )}
    </div>
  );
}

/** 在庫履歴: a product's stock movements, newest first. */
export function LedgerDialog(props: { storeId: number; product: NamedProduct; onClose: () => void }) {
  const { t } = useI18n();
  const url = `${storeApi(props.storeId)}/products/${props.product.id}/ledger`;
  const list = usePagedList<LedgerRow>(
    (after) => api<ListPage<LedgerRow, number>>(`${url}?limit=50${after === null ? '' : `&cursor=${after}`}`),
    [],
  );
  const rows = list.rows;
  return (
    <Modal
      title={`${t('ledger')}: ${props.product.name} ${props.product.condition}`}
      onClose={props.onClose}
      wide
    >
      <ErrorBanner error={list.error} />
      <table className="list" data-testid="ledger">
        <thead>
          <tr>
            <th>{t('date')}</th>
            <th>{t('kind')}</th>
            <th className="num">{t('quantity')}</th>
            <th className="num">{t('balance')}</th>
          </tr>
        </thead>
        <tbody>
          {(rows ?? []).map((r) => (
            <tr key={r.id}>
              <td>{formatTime(r.occurredAt)}</td>
              <td>{sourceLabel(r.sourceKind, t)}</td>
              <td className="num">{r.quantity > 0 ? `+${r.quantity}` : r.quantity}</td>
              <td className="num">{r.balanceAfter}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows && rows.length === 0 && <p className="empty">{t('noMovements')}</p>}
      <div className="actions">
        {list.hasMore && (
          <button type="button" onClick={() => void list.more()}>
            {t('loadMore')}
          </button>
        )}
        <button type="button" onClick={props.onClose}>
          {t('close')}
        </button>
      </div>
    </Modal>
  );
}

const sourceKeys = [
  'sale',
  'return',
  'stocking',
  'stocking_reversal',
  'loss',
  'adjustment',
  'count',
  'seed',
] as const;
function sourceLabel(kind: string, t: ReturnType<typeof useI18n>['t']): string {
  return (sourceKeys as readonly string[]).includes(kind)
    ? t(`source_${kind as (typeof sourceKeys)[number]}`)
    : kind;
}

interface CountLine {
  product: NamedProduct;
  counted: string;
}

/**
 * 棚卸: open a count, enter what the shelf holds per product (one sheet), review the differences
 * against the expected stock, apply them as adjustments.
 */
export function StockCount({ storeId }: { storeId: number }) {
  const { t } = useI18n();
  const base = storeApi(storeId);
  const [countId, setCountId] = useState<number | null>(null);
  const [lines, setLines] = useState<CountLine[]>([]);
  const [diffs, setDiffs] = useState<CountDifference[] | null>(null);
  const [applied, setApplied] = useState(false);
  const [names, setNames] = useState<Map<number, NamedProduct>>(new Map());
  const { busy, error, run } = useAction();

  const start = () =>
    void run(async () => {
      const doc = await api<StockDocument>(`${base}/counts`, { method: 'POST', body: { mode: 'counted' } });
      setCountId(doc.id);
      setLines([]);
      setDiffs(null);
      setApplied(false);
    });
  const add = (p: NamedProduct) => {
    setNames((m) => new Map(m).set(p.id, p));
    setLines((old) => (old.some((l) => l.product.id === p.id) ? old : [...old, { product: p, counted: '' }]));
  };
  const review = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const counted = lines.filter((l) => l.counted.trim() !== '');
      if (counted.length > 0)
        await api(`${base}/counts/${countId}/sheets`, {
          method: 'POST',
          body: {
            shelf: 'POS',
            lines: counted.map((l) => ({ productId: l.product.id, quantity: Number(l.counted) })),
          },
        });
      setLines([]);
      setDiffs(
        (
          await api<{ differences: CountDifference[] }>(`${base}/counts/${countId}/review`, {
            method: 'POST',
          })
        ).differences,
      );
    });
  };
  const apply = () =>
    void run(async () => {
      setDiffs(
        (await api<{ differences: CountDifference[] }>(`${base}/counts/${countId}/apply`, { method: 'POST' }))
          .differences,
      );
      setApplied(true);
    });

  return (
    <div data-testid="count">
      <ErrorBanner error={error} />
      {(countId === null || applied) && (
        <button type="button" className="primary" onClick={start} disabled={busy} data-testid="count-start">
          {t('startCount')}
        </button>
      )}
      {applied && <Notice text={t('countApplied')} />}
      {countId !== null && !applied && diffs === null && (
        <>
          <p>
            {t('countDoc')} #{countId}
          </p>
          <ProductPicker storeId={storeId} onPick={add} />
          <form onSubmit={review}>
            <table className="list" data-testid="count-lines">
              <thead>
                <tr>
                  <th>{t('product')}</th>
                  <th>{t('condition')}</th>
                  <th className="num">{t('countedQty')}</th>
                </tr>
              </thead>
              <tbody>
                {lines.map((l, i) => (
                  <tr key={l.product.id}>
                    <td>{l.product.name}</td>
                    <td>{l.product.condition}</td>
                    <td className="num">
                      <input
                        name={`counted-${l.product.id}`}
                        inputMode="numeric"
                        className="small"
                        aria-label={t('countedQty')}
                        value={l.counted}
                        onChange={(e) =>
                          setLines((old) =>
                            old.map((x, k) => (k === i ? { ...x, counted: e.target.value } : x)),
                          )
                        }
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <button type="submit" className="primary" disabled={busy} data-testid="count-review">
              {t('reviewCount')}
            </button>
          </form>
        </>
      )}
      {diffs !== null && (
        <>
          <table className="list" data-testid="count-diffs">
            <thead>
              <tr>
                <th>{t('product')}</th>
                <th className="num">{t('expectedQty')}</th>
                <th className="num">{t('countedQty')}</th>
                <th className="num">{t('difference')}</th>
              </tr>
            </thead>
            <tbody>
              {diffs.map((d) => (
                <tr key={d.productId}>
                  <td>
                    {names.get(d.productId)?.name ?? `#${d.productId}`}{' '}
                    {names.get(d.productId)?.condition ?? ''}
                  </td>
                  <td className="num">{d.expected}</td>
                  <td className="num">{d.counted}</td>
                  <td className="num">{d.difference > 0 ? `+${d.difference}` : d.difference}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {!applied && (
            <button
              type="button"
              className="primary"
              onClick={apply}
              disabled={busy}
              data-testid="count-apply"
            >
              {t('applyCount')}
            </button>
          )}
        </>
      )}
    </div>
  );
}
