import {
  useCallback,
  useEffect,
  useRef,
  useState,
  type FormEvent,
  type KeyboardEvent,
  type ReactNode,
} from 'react';
import { api, storeApi } from '../api.ts';
import type { Session } from '../app.tsx';
import { ErrorBanner, Modal, Notice, parseYen, useDialogKeys } from '../components.tsx';
import { describeError } from '../errors.ts';
import { formatYen, useI18n, type Translate } from '../i18n.tsx';
import type { Route } from '../router.ts';
import type {
  CartLineInput,
  Customer,
  CustomerRow,
  Discount,
  Item,
  Lookup,
  OpenCart,
  Page,
  Product,
  RegisterState,
  Sale,
  SaleLine,
} from '../types.ts';
import { CompletedView, PayModal } from './Pay.tsx';

/** What the cart shows of a product beside the server's line. */
interface ProductInfo {
  name: string;
  condition: string;
  sellPrice: number;
  stock: number;
}

type Dialog =
  | { kind: 'search' }
  | { kind: 'choose'; products: (Product & { name?: string })[] }
  | { kind: 'discount'; target: 'line' | 'cart' }
  | { kind: 'price' }
  | { kind: 'held' }
  | { kind: 'customer' }
  | { kind: 'pay'; sale: Sale }
  | { kind: 'done'; sale: Sale };

/** What the register shows of the customer a sale is made to. */
type CustomerRef = Pick<Customer, 'id' | 'code' | 'name'>;

const describeDiscount = (d: Discount | null | undefined) =>
  !d ? '' : d.kind === 'yen' ? `-${formatYen(d.value)}` : `-${d.percent}%`;

/** The server's line when it has answered for this cart, else what the scan told us. */
function lineLabel(server: SaleLine | undefined, productId: number, info: ProductInfo | undefined) {
  return {
    name: server?.name ?? info?.name ?? `#${productId}`,
    condition: server?.detail ?? info?.condition ?? '',
  };
}

const toInput = (l: SaleLine): CartLineInput => ({
  productId: l.productId,
  quantity: l.quantity,
  ...(l.unitPrice !== l.listPrice ? { unitPrice: l.unitPrice } : {}),
  ...(l.discount ? { discount: l.discount } : {}),
});

/**
 * The register: a barcode field that always has the focus (a keyboard-wedge scanner types the code
 * and Enter), the cart, totals priced by the server (`PUT /sales/{id}/cart` answers the priced
 * sale, tax per rate), and every action on a function key.
 */
export function RegisterScreen({ session, go }: { session: Session; go: (r: Route) => void }) {
  const { t } = useI18n();
  const base = storeApi(session.store.id);
  const policies = new Set(session.me.account.policies);

  const [lines, setLines] = useState<CartLineInput[]>([]);
  const [cartDiscount, setCartDiscount] = useState<Discount | null>(null);
  // The customer the sale is made to (their figures follow it); sent with every change of the cart.
  const [customer, setCustomer] = useState<CustomerRef | null>(null);
  const customerRef = useRef<CustomerRef | null>(null);
  const [sale, setSale] = useState<Sale | null>(null);
  const [selected, setSelected] = useState(0);
  const [pending, setPending] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [code, setCode] = useState('');
  const [registerOpen, setRegisterOpen] = useState<boolean | null>(null);
  const [info, setInfo] = useState<Record<number, ProductInfo>>({});
  const saleRef = useRef<Sale | null>(null);
  const queue = useRef<Promise<unknown>>(Promise.resolve());
  const seq = useRef(0);
  const scan = useRef<HTMLInputElement>(null);

  useEffect(() => {
    api<RegisterState>(`${base}/registers/${session.register.id}/state`).then(
      (s) => {
        setRegisterOpen(s.status === 'open');
        if (s.status !== 'open') go('/register-ops');
      },
      (e) => setError(describeError(e, t)),
    );
  }, [base, session.register.id, go, t]);

  // The scan field has the focus whenever no dialog is open.
  const refocus = useCallback(() => {
    if (!dialog) window.setTimeout(() => scan.current?.focus(), 0);
  }, [dialog]);
  useEffect(refocus, [refocus]);

  const remember = (p: Product, name: string) =>
    setInfo((m) => ({
      ...m,
      [p.id]: { name, condition: p.condition, sellPrice: p.sellPrice, stock: p.stock },
    }));

  /** Sends the cart to the server in order; only the answer to the latest change is shown. */
  const sync = useCallback(
    (next: CartLineInput[], nextCart: Discount | null) => {
      setLines(next);
      setCartDiscount(nextCart);
      const mine = ++seq.current;
      setPending((n) => n + 1);
      const body = {
        lines: next,
        ...(nextCart ? { cartDiscount: nextCart } : {}),
        customerId: customerRef.current?.id ?? null,
      };
      const run = async () => {
        try {
          const current = saleRef.current;
          const priced = current
            ? await api<Sale>(`${base}/sales/${current.id}/cart`, { method: 'PUT', body })
            : await api<Sale>(`${base}/sales`, {
                method: 'POST',
                body: { registerId: session.register.id, ...body },
              });
          saleRef.current = priced;
          if (mine === seq.current) {
            setSale(priced);
            setError(null);
          }
        } catch (e) {
          setError(describeError(e, t));
          // Back to what the server holds (e.g. a discount this clerk may not give).
          const held = saleRef.current;
          if (mine === seq.current) {
            setLines(held ? held.lines.map(toInput) : []);
            setCartDiscount(held?.cartDiscount ?? null);
          }
        } finally {
          setPending((n) => n - 1);
        }
      };
      queue.current = queue.current.then(run);
      return queue.current;
    },
    [base, session.register.id, t],
  );

  const addProduct = (p: Product, name?: string) => {
    if (name) remember(p, name);
    setNotice(p.stock <= 0 ? t('outOfStockWarn', { stock: p.stock }) : null);
    const i = lines.findIndex((l) => l.productId === p.id && l.unitPrice === undefined && !l.discount);
    const next =
      i >= 0
        ? lines.map((l, k) => (k === i ? { ...l, quantity: l.quantity + 1 } : l))
        : [...lines, { productId: p.id, quantity: 1 }];
    setSelected(i >= 0 ? i : next.length - 1);
    void sync(next, cartDiscount);
  };

  const itemNames = async (products: Product[]) => {
    const ids = [...new Set(products.map((p) => p.itemId))];
    const items = await Promise.all(ids.map((id) => api<Item>(`${base}/items/${id}`)));
    return new Map(items.map((it) => [it.id, itemTitle(it)]));
  };

  const onScan = async (e: FormEvent) => {
    e.preventDefault();
    const value = code.trim();
    setCode('');
    if (!value) return;
    setError(null);
    try {
      const found = await api<Lookup>(`${base}/lookup?code=${encodeURIComponent(value)}`);
      if (found.products.length === 0) return setError(t('notFoundCode', { code: value }));
      const names = await itemNames(found.products);
      if (found.products.length === 1) {
        const p = found.products[0]!;
        addProduct(p, names.get(p.itemId) ?? '');
      } else {
        setDialog({
          kind: 'choose',
          products: found.products.map((p) => ({ ...p, name: names.get(p.itemId) })),
        });
      }
    } catch (err) {
      setError(describeError(err, t));
    }
  };

  const changeQuantity = (i: number, delta: number) => {
    const line = lines[i];
    if (!line) return;
    const quantity = line.quantity + delta;
    const next =
      quantity <= 0
        ? lines.filter((_, k) => k !== i)
        : lines.map((l, k) => (k === i ? { ...l, quantity } : l));
    setSelected(Math.max(0, Math.min(i, next.length - 1)));
    void sync(next, cartDiscount);
  };

  const chooseCustomer = (c: CustomerRef | null) => {
    customerRef.current = c;
    setCustomer(c);
    void sync(lines, cartDiscount);
  };

  const reset = () => {
    saleRef.current = null;
    customerRef.current = null;
    setCustomer(null);
    seq.current++;
    setSale(null);
    setLines([]);
    setCartDiscount(null);
    setSelected(0);
    setDialog(null);
    setNotice(null);
  };

  const settled = async () => {
    await queue.current;
    return saleRef.current;
  };

  const openPay = async () => {
    const s = await settled();
    if (!s || lines.length === 0 || pending > 0) return;
    setDialog({ kind: 'pay', sale: s });
  };

  const hold = async () => {
    const s = await settled();
    if (!s) return;
    try {
      await api(`${base}/sales/${s.id}/hold`, { method: 'POST' });
      reset();
    } catch (e) {
      setError(describeError(e, t));
    }
  };

  const cancelSale = async () => {
    const s = await settled();
    if (!s) return reset();
    if (!window.confirm(t('confirmCancelSale'))) return;
    try {
      await api(`${base}/sales/${s.id}/cancel`, { method: 'POST' });
      reset();
    } catch (e) {
      setError(describeError(e, t));
    }
  };

  /** Puts the cart on screen aside (held) and brings the chosen one back. */
  const resumeCart = async (c: OpenCart) => {
    try {
      const current = await settled();
      if (current && current.lines.length > 0)
        await api(`${base}/sales/${current.id}/hold`, { method: 'POST' });
      if (c.status === 'held') await api(`${base}/sales/${c.id}/resume`, { method: 'POST' });
      resume(await api<Sale>(`${base}/sales/${c.id}`));
    } catch (e) {
      setDialog(null);
      setError(describeError(e, t));
    }
  };

  const resume = (s: Sale) => {
    saleRef.current = s;
    seq.current++;
    setSale(s);
    setLines(s.lines.map(toInput));
    setCartDiscount(s.cartDiscount ?? null);
    setSelected(0);
    setDialog(null);
    customerRef.current = s.customerId === null ? null : { id: s.customerId, code: null, name: '…' };
    setCustomer(customerRef.current);
    if (s.customerId !== null)
      api<Customer>(`${base}/customers/${s.customerId}`).then(
        (c) => {
          if (customerRef.current?.id !== c.id) return;
          customerRef.current = { id: c.id, code: c.code, name: c.name };
          setCustomer(customerRef.current);
        },
        () => undefined,
      );
  };

  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (dialog) return;
    const keys: Record<string, () => void> = {
      F2: () => setDialog({ kind: 'search' }),
      F3: () =>
        lines[selected] &&
        policies.has('sales.manual_discount') &&
        setDialog({ kind: 'discount', target: 'line' }),
      F4: () =>
        lines.length &&
        policies.has('sales.manual_discount') &&
        setDialog({ kind: 'discount', target: 'cart' }),
      F5: () => policies.has('customers.view') && setDialog({ kind: 'customer' }),
      F6: () => void hold(),
      F7: () => setDialog({ kind: 'held' }),
      F8: () => lines[selected] && policies.has('sales.manual_price') && setDialog({ kind: 'price' }),
      F9: () => void openPay(),
      F10: () => go('/returns'),
      ArrowUp: () => setSelected((i) => Math.max(0, i - 1)),
      ArrowDown: () => setSelected((i) => Math.min(lines.length - 1, i + 1)),
    };
    const emptyField = code === '';
    if (emptyField) {
      keys['+'] = () => changeQuantity(selected, 1);
      keys['-'] = () => changeQuantity(selected, -1);
      keys.Delete = () => changeQuantity(selected, -(lines[selected]?.quantity ?? 0));
    }
    const action = keys[e.key];
    if (action) {
      e.preventDefault();
      action();
    }
  };

  const totals = sale;
  const itemCount = lines.reduce((n, l) => n + l.quantity, 0);
  const saleLines = sale && pending === 0 ? sale.lines : null;

  return (
    <div className="register" onKeyDown={onKey} onClick={refocus}>
      <section className="left">
        <form onSubmit={onScan} className="scan">
          <input
            ref={scan}
            name="scan"
            data-testid="scan"
            aria-label={t('scanPlaceholder')}
            placeholder={t('scanPlaceholder')}
            autoComplete="off"
            value={code}
            onChange={(e) => setCode(e.target.value)}
            onBlur={refocus}
          />
        </form>
        <ErrorBanner error={error} />
        <Notice text={notice ?? (registerOpen === false ? t('registerClosedHint') : null)} />
        <table className="cart" data-testid="cart">
          <thead>
            <tr>
              <th>{t('product')}</th>
              <th>{t('condition')}</th>
              <th className="num">{t('unitPrice')}</th>
              <th className="num">{t('quantity')}</th>
              <th className="num">{t('discount')}</th>
              <th className="num">{t('amount')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {lines.length === 0 && (
              <tr>
                <td colSpan={7} className="empty">
                  {t('emptyCart')}
                </td>
              </tr>
            )}
            {lines.map((line, i) => {
              const server = saleLines?.[i];
              const label = lineLabel(server, line.productId, info[line.productId]);
              const unit = server?.unitPrice ?? line.unitPrice ?? info[line.productId]?.sellPrice ?? 0;
              return (
                <tr
                  key={`${line.productId}-${i}`}
                  className={i === selected ? 'selected' : ''}
                  onClick={() => setSelected(i)}
                  data-testid="cart-line"
                >
                  <td>{label.name}</td>
                  <td>{label.condition}</td>
                  <td className="num">{formatYen(unit)}</td>
                  <td className="num qty">
                    <button type="button" tabIndex={-1} onClick={() => changeQuantity(i, -1)}>
                      −
                    </button>
                    <span>{line.quantity}</span>
                    <button type="button" tabIndex={-1} onClick={() => changeQuantity(i, 1)}>
                      +
                    </button>
                  </td>
                  <td className="num">{describeDiscount(server?.discount ?? line.discount)}</td>
                  <td className="num">
                    {formatYen(
                      server
                        ? server.unitPrice * server.quantity - server.lineDiscount
                        : unit * line.quantity,
                    )}
                  </td>
                  <td>
                    <button type="button" tabIndex={-1} onClick={() => changeQuantity(i, -line.quantity)}>
                      {t('remove')}
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
      <aside className="right">
        <div className="customer-slot" data-testid="sale-customer">
          {customer ? (
            <>
              <span>
                {t('customerOfSale')}: {customer.name}
                {customer.code ? ` (${customer.code})` : ''}
              </span>
              <button type="button" tabIndex={-1} onClick={() => chooseCustomer(null)}>
                {t('clear')}
              </button>
            </>
          ) : (
            <span className="muted">{t('noCustomerOfSale')}</span>
          )}
        </div>
        <div className="totals" data-testid="totals" aria-busy={pending > 0}>
          <div>
            <span>
              {t('subtotal')} ({t('items', { n: itemCount })})
            </span>
            <span>{totals ? formatYen(totals.subtotal) : '—'}</span>
          </div>
          {(totals?.lineDiscounts ?? 0) > 0 && (
            <div>
              <span>{t('lineDiscount')}</span>
              <span>{formatYen(-(totals?.lineDiscounts ?? 0))}</span>
            </div>
          )}
          {(totals?.cartDiscountAmount ?? 0) > 0 && (
            <div>
              <span>
                {t('cartDiscount')} {describeDiscount(cartDiscount)}
              </span>
              <span data-testid="cart-discount">{formatYen(-(totals?.cartDiscountAmount ?? 0))}</span>
            </div>
          )}
          {totals?.rates.map((r) => (
            <div key={r.category} className="rate">
              <span>{r.category === 'exempt' ? t('taxExempt') : t('taxRate', { rate: r.rateBp / 100 })}</span>
              <span>
                {formatYen(r.taxIncluded)}{' '}
                {r.category !== 'exempt' &&
                  t(totals.taxMode === 'exclusive' ? 'taxAdded' : 'taxIncluded', { tax: formatYen(r.tax) })}
              </span>
            </div>
          ))}
          {totals && totals.rates.length === 0 && totals.tax > 0 && (
            // A cart the server priced without a per-rate breakdown: its tax as one figure.
            <div className="rate">
              <span />
              <span data-testid="tax">
                {t(totals.taxMode === 'exclusive' ? 'taxAdded' : 'taxIncluded', {
                  tax: formatYen(totals.tax),
                })}
              </span>
            </div>
          )}
          <div className="grand">
            <span>{t('total')}</span>
            <strong data-testid="total">
              {pending > 0 ? t('saving') : totals ? formatYen(totals.total) : '¥0'}
            </strong>
          </div>
        </div>
        <div className="keys">
          <button type="button" onClick={() => setDialog({ kind: 'search' })}>
            F2 {t('search')}
          </button>
          <button
            type="button"
            disabled={!lines[selected] || !policies.has('sales.manual_discount')}
            onClick={() => setDialog({ kind: 'discount', target: 'line' })}
          >
            F3 {t('lineDiscount')}
          </button>
          <button
            type="button"
            data-testid="cart-discount-button"
            disabled={!lines.length || !policies.has('sales.manual_discount')}
            onClick={() => setDialog({ kind: 'discount', target: 'cart' })}
          >
            F4 {t('cartDiscount')}
          </button>
          <button
            type="button"
            data-testid="customer-button"
            disabled={!policies.has('customers.view')}
            onClick={() => setDialog({ kind: 'customer' })}
          >
            F5 {t('customerOfSale')}
          </button>
          <button type="button" disabled={!sale} onClick={() => void hold()}>
            F6 {t('hold')}
          </button>
          <button type="button" onClick={() => setDialog({ kind: 'held' })}>
            F7 {t('resume')}
          </button>
          <button
            type="button"
            disabled={!lines[selected] || !policies.has('sales.manual_price')}
            onClick={() => setDialog({ kind: 'price' })}
          >
            F8 {t('unitPrice')}
          </button>
          <button type="button" onClick={() => go('/returns')}>
            F10 {t('returns')}
          </button>
          <button type="button" onClick={() => go('/register-ops')}>
            {t('registerOps')}
          </button>
          <button type="button" disabled={!lines.length} onClick={() => void cancelSale()}>
            {t('cancelSale')}
          </button>
          <button
            type="button"
            className="primary pay-button"
            data-testid="pay-button"
            disabled={!lines.length || pending > 0 || !sale}
            onClick={() => void openPay()}
          >
            F9 {t('pay')}
          </button>
        </div>
      </aside>

      {dialog?.kind === 'search' && (
        <SearchDialog
          base={base}
          t={t}
          onClose={() => setDialog(null)}
          onPick={(p, name) => {
            setDialog(null);
            addProduct(p, name);
          }}
        />
      )}
      {dialog?.kind === 'choose' && (
        <ChooseDialog
          products={dialog.products}
          t={t}
          onClose={() => setDialog(null)}
          onPick={(p) => {
            setDialog(null);
            addProduct(p, p.name ?? '');
          }}
        />
      )}
      {dialog?.kind === 'discount' && (
        <DiscountDialog
          t={t}
          title={dialog.target === 'cart' ? t('cartDiscount') : t('lineDiscount')}
          current={dialog.target === 'cart' ? cartDiscount : (lines[selected]?.discount ?? null)}
          onClose={() => setDialog(null)}
          onApply={(d) => {
            setDialog(null);
            if (dialog.target === 'cart') void sync(lines, d);
            else
              void sync(
                lines.map((l, k) => {
                  if (k !== selected) return l;
                  const { discount: _old, ...rest } = l;
                  return d ? { ...rest, discount: d } : rest;
                }),
                cartDiscount,
              );
          }}
        />
      )}
      {dialog?.kind === 'price' && lines[selected] && (
        <PriceDialog
          t={t}
          current={lines[selected]!.unitPrice ?? info[lines[selected]!.productId]?.sellPrice ?? 0}
          onClose={() => setDialog(null)}
          onApply={(price) => {
            setDialog(null);
            void sync(
              lines.map((l, k) => (k === selected ? { ...l, unitPrice: price } : l)),
              cartDiscount,
            );
          }}
        />
      )}
      {dialog?.kind === 'customer' && (
        <CustomerDialog
          base={base}
          t={t}
          onClose={() => setDialog(null)}
          onPick={(c) => {
            setDialog(null);
            chooseCustomer(c);
          }}
        />
      )}
      {dialog?.kind === 'held' && (
        <HeldDialog
          base={base}
          registerId={session.register.id}
          currentId={sale?.id ?? null}
          t={t}
          onClose={() => setDialog(null)}
          onPick={(c) => void resumeCart(c)}
        />
      )}
      {dialog?.kind === 'pay' && (
        <PayModal
          storeId={session.store.id}
          sale={dialog.sale}
          onClose={() => setDialog(null)}
          onCompleted={(done) => {
            saleRef.current = null;
            setDialog({ kind: 'done', sale: done });
          }}
        />
      )}
      {dialog?.kind === 'done' && (
        <CompletedView storeId={session.store.id} sale={dialog.sale} onNext={reset} />
      )}
    </div>
  );
}

const itemTitle = (it: Item) => [it.name, it.cardNumber, it.rarity].filter(Boolean).join(' ');

/**
 * A search box over a list, for the register's dialogs: Enter searches; once the list answers that
 * search, ↑/↓ move the highlight and Enter takes the row.
 */
function SearchList<T>(props: {
  title: string;
  placeholder: string;
  empty: string;
  t: Translate;
  testId?: string;
  /** An empty query searches too when this is set (the newest customers). */
  allowEmpty?: boolean;
  find: (q: string) => Promise<T[]>;
  onClose: () => void;
  onPick: (row: T) => void;
  children: (rows: T[], active: number) => ReactNode;
}) {
  const { t } = props;
  const [q, setQ] = useState('');
  const [rows, setRows] = useState<T[]>([]);
  const [active, setActive] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [searched, setSearched] = useState(false);

  const search = async (e: FormEvent) => {
    e.preventDefault();
    if (!q.trim() && !props.allowEmpty) return;
    try {
      setRows(await props.find(q.trim()));
      setActive(0);
      setSearched(true);
      setError(null);
    } catch (err) {
      setError(describeError(err, t));
    }
  };

  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown') setActive((i) => Math.min(rows.length - 1, i + 1));
    else if (e.key === 'ArrowUp') setActive((i) => Math.max(0, i - 1));
    else if (e.key === 'Enter' && searched && rows[active]) props.onPick(rows[active]!);
    else return;
    e.preventDefault();
  };

  return (
    <Modal title={props.title} onClose={props.onClose} wide>
      <div onKeyDown={onKey} data-testid={props.testId}>
        <form onSubmit={search} className="inline">
          <input
            name="q"
            autoFocus
            autoComplete="off"
            placeholder={props.placeholder}
            value={q}
            onChange={(e) => {
              setQ(e.target.value);
              setSearched(false);
            }}
          />
          <button type="submit">{t('search')}</button>
        </form>
        <ErrorBanner error={error} />
        {searched && rows.length === 0 && <p>{props.empty}</p>}
        {props.children(rows, active)}
      </div>
    </Modal>
  );
}

/** Text search over the catalogue; every condition of an item is its own row. */
function SearchDialog(props: {
  base: string;
  t: Translate;
  onClose: () => void;
  onPick: (p: Product, name: string) => void;
}) {
  const { t } = props;
  const pick = (r: { p: Product; name: string }) => props.onPick(r.p, r.name);
  return (
    <SearchList
      title={t('search')}
      placeholder={t('searchPlaceholder')}
      empty={t('noResults')}
      t={t}
      find={async (q) => {
        const page = await api<Page<Item>>(`${props.base}/items?${new URLSearchParams({ q, limit: '20' })}`);
        return page.items.flatMap((it) => it.products.map((p) => ({ p, name: itemTitle(it) })));
      }}
      onClose={props.onClose}
      onPick={pick}
    >
      {(rows, active) => <ProductRows rows={rows} active={active} t={t} onPick={pick} />}
    </SearchList>
  );
}

function ProductRows(props: {
  rows: { p: Product; name: string }[];
  active: number;
  t: Translate;
  onPick: (r: { p: Product; name: string }) => void;
}) {
  const { t } = props;
  return (
    <table className="list">
      <thead>
        <tr>
          <th />
          <th>{t('product')}</th>
          <th>{t('condition')}</th>
          <th className="num">{t('sellPrice')}</th>
          <th className="num">{t('stock')}</th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((r, i) => (
          <tr key={r.p.id} className={i === props.active ? 'selected' : ''}>
            <td>
              <button type="button" onClick={() => props.onPick(r)}>
                {i < 9 ? i + 1 : '+'}
              </button>
            </td>
            <td>{r.name}</td>
            <td>
              {r.p.condition}
              {r.p.specialty ? ` / ${r.p.specialty}` : ''}
            </td>
            <td className="num">{formatYen(r.p.sellPrice)}</td>
            <td className="num">{r.p.stock}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A code that matches several products (one JAN, several conditions): the clerk picks one (1–9). */
function ChooseDialog(props: {
  products: (Product & { name?: string })[];
  t: Translate;
  onClose: () => void;
  onPick: (p: Product & { name?: string }) => void;
}) {
  const rows = props.products.map((p) => ({ p, name: p.name ?? '' }));
  const [active, setActive] = useState(0);
  useDialogKeys((e) => {
    const n = Number(e.key);
    if (n >= 1 && n <= Math.min(9, rows.length)) props.onPick(props.products[n - 1]!);
    else if (e.key === 'ArrowDown') setActive((i) => Math.min(rows.length - 1, i + 1));
    else if (e.key === 'ArrowUp') setActive((i) => Math.max(0, i - 1));
    else if (e.key === 'Enter') props.onPick(props.products[active]!);
    else return;
    e.preventDefault();
  });
  return (
    <Modal title={props.t('chooseCondition')} onClose={props.onClose} wide>
      <div data-testid="choose">
        <ProductRows rows={rows} active={active} t={props.t} onPick={(r) => props.onPick(r.p)} />
      </div>
    </Modal>
  );
}

function DiscountDialog(props: {
  t: Translate;
  title: string;
  current: Discount | null;
  onClose: () => void;
  onApply: (d: Discount | null) => void;
}) {
  const { t } = props;
  const [kind, setKind] = useState<'yen' | 'percent'>(props.current?.kind ?? 'yen');
  const [value, setValue] = useState(
    props.current ? String(props.current.kind === 'yen' ? props.current.value : props.current.percent) : '',
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const n = parseYen(value);
    if (Number.isNaN(n) || n < 0) return;
    if (n === 0) return props.onApply(null);
    props.onApply(
      kind === 'yen' ? { kind: 'yen', value: Math.floor(n) } : { kind: 'percent', percent: Math.min(100, n) },
    );
  };
  return (
    <Modal title={props.title} onClose={props.onClose}>
      <form onSubmit={submit} data-testid="discount">
        <div className="segmented">
          <label>
            <input type="radio" name="kind" checked={kind === 'yen'} onChange={() => setKind('yen')} />
            {t('yen')}
          </label>
          <label>
            <input
              type="radio"
              name="kind"
              checked={kind === 'percent'}
              onChange={() => setKind('percent')}
            />
            {t('percent')}
          </label>
        </div>
        <input
          name="value"
          inputMode="decimal"
          autoFocus
          value={value}
          onChange={(e) => setValue(e.target.value)}
        />
        <div className="actions">
          <button type="button" onClick={() => props.onApply(null)}>
            {t('clear')}
          </button>
          <button type="submit" className="primary">
            {t('apply')}
          </button>
        </div>
      </form>
    </Modal>
  );
}

function PriceDialog(props: {
  t: Translate;
  current: number;
  onClose: () => void;
  onApply: (p: number) => void;
}) {
  const { t } = props;
  const [value, setValue] = useState(String(props.current));
  return (
    <Modal title={t('unitPrice')} onClose={props.onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const n = parseYen(value);
          if (Number.isInteger(n) && n >= 0) props.onApply(n);
        }}
      >
        <input
          name="price"
          inputMode="numeric"
          autoFocus
          value={value}
          onChange={(e) => setValue(e.target.value)}
        />
        <div className="actions">
          <button type="submit" className="primary">
            {t('apply')}
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** Finds a customer of the store (name, reading, phone, member number; a scanned member card too). */
function CustomerDialog(props: {
  base: string;
  t: Translate;
  onClose: () => void;
  onPick: (c: CustomerRef) => void;
}) {
  const { t } = props;
  const pick = (c: CustomerRow) => props.onPick({ id: c.id, code: c.code, name: c.name });
  return (
    <SearchList
      title={t('customerOfSale')}
      placeholder={t('customerSearchPlaceholder')}
      empty={t('noCustomers')}
      t={t}
      testId="customer-dialog"
      allowEmpty
      find={async (q) =>
        (await api<Page<CustomerRow>>(`${props.base}/customers?${new URLSearchParams({ q, limit: '20' })}`))
          .items
      }
      onClose={props.onClose}
      onPick={pick}
    >
      {(rows, active) => (
        <table className="list">
          <tbody>
            {rows.map((c, i) => (
              <tr key={c.id} className={i === active ? 'selected' : ''}>
                <td>
                  <button type="button" onClick={() => pick(c)}>
                    {t('pick')}
                  </button>
                </td>
                <td>{c.code ?? ''}</td>
                <td>{c.name}</td>
                <td>{c.nameKana}</td>
                <td>{c.phone}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </SearchList>
  );
}

/** Drafts and held carts of this register, newest first; picking one brings it back to the screen. */
function HeldDialog(props: {
  base: string;
  registerId: number;
  currentId: number | null;
  t: Translate;
  onClose: () => void;
  onPick: (c: OpenCart) => void;
}) {
  const { t } = props;
  const [carts, setCarts] = useState<OpenCart[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<{ items: OpenCart[] }>(`${props.base}/sales?registerId=${props.registerId}`).then(
      (p) => setCarts(p.items.filter((c) => c.id !== props.currentId && c.items > 0)),
      (e) => setError(describeError(e, t)),
    );
  }, [props.base, props.registerId, props.currentId, t]);
  useDialogKeys((e) => {
    const c = carts?.[Number(e.key) - 1];
    if (c) {
      e.preventDefault();
      props.onPick(c);
    }
  });
  return (
    <Modal title={t('heldSales')} onClose={props.onClose} wide>
      <div data-testid="held">
        <ErrorBanner error={error} />
        {carts?.length === 0 && <p>{t('noHeld')}</p>}
        <table className="list">
          <tbody>
            {carts?.map((c, i) => (
              <tr key={c.id}>
                <td>
                  <button type="button" onClick={() => props.onPick(c)}>
                    {i + 1}
                  </button>
                </td>
                <td>{t(`status_${c.status}`)}</td>
                <td>{c.updatedAt}</td>
                <td>{t('items', { n: c.items })}</td>
                <td className="num">{formatYen(c.total)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Modal>
  );
}
