import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import { api, newIdempotencyKey, storeApi } from '../api.ts';
import { ErrorBanner, Modal, Notice, useAction, usePagedList, type ListPage } from '../components.tsx';
import { describeError } from '../errors.ts';
import { formatYen, useI18n } from '../i18n.tsx';
import type { CustomerDetail, CustomerRow } from '../types.ts';

type Dialog = { kind: 'new' } | { kind: 'open'; id: number } | null;

/**
 * 顧客: the store's customers. Keyboard first: the search field has the focus (Enter searches),
 * ↓ goes into the list, ↑/↓ move, Enter opens; F2 back to the search, F3 registers a new customer.
 * Opening a customer shows their details (editable with `customers.manage`) and purchase figures.
 */
export function Customers({ storeId, canManage }: { storeId: number; canManage: boolean }) {
  const { t } = useI18n();
  const base = `${storeApi(storeId)}/customers`;
  const [q, setQ] = useState('');
  // 退会済み too: to look one up, or take a 退会 back.
  const [withArchived, setWithArchived] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [dialog, setDialog] = useState<Dialog>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLTableSectionElement>(null);
  const list = usePagedList<CustomerRow>(
    (before) => {
      const params = new URLSearchParams({ limit: '50' });
      if (q.trim()) params.set('q', q.trim());
      if (withArchived) params.set('status', 'all');
      if (before !== null) params.set('before', String(before));
      return api<ListPage<CustomerRow, number>>(`${base}?${params}`);
    },
    [storeId, withArchived],
  );
  const rows = list.rows ?? [];

  // F2 / F3 wherever the focus is on this screen (a dialog handles its own keys).
  useEffect(() => {
    if (dialog) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'F2') {
        e.preventDefault();
        searchRef.current?.focus();
        searchRef.current?.select();
      } else if (e.key === 'F3' && canManage) {
        e.preventDefault();
        setDialog({ kind: 'new' });
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [dialog, canManage]);

  const rowAt = (i: number) => listRef.current?.querySelectorAll<HTMLTableRowElement>('tr')[i];
  const onRowKey = (e: ReactKeyboardEvent<HTMLTableRowElement>, i: number, id: number) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      setDialog({ kind: 'open', id });
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = i + (e.key === 'ArrowDown' ? 1 : -1);
      if (next < 0) searchRef.current?.focus();
      else rowAt(next)?.focus();
    }
  };
  const closeDialog = () => {
    setDialog(null);
    searchRef.current?.focus();
  };
  const afterChange = (message: string) => {
    setNotice(message);
    void list.reload();
  };

  return (
    <div data-testid="customers">
      <div className="page-head">
        <form
          className="inline"
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            setNotice(null);
            void list.reload();
          }}
        >
          <input
            ref={searchRef}
            name="q"
            autoFocus
            placeholder={t('customerSearchPlaceholder')}
            value={q}
            onChange={(e) => setQ(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'ArrowDown' && rows.length > 0) {
                e.preventDefault();
                rowAt(0)?.focus();
              }
            }}
          />
          <button type="submit">{t('find')}</button>
          <label className="check">
            <input
              type="checkbox"
              checked={withArchived}
              onChange={(e) => setWithArchived(e.target.checked)}
              data-testid="customers-with-archived"
            />
            {t('withArchived')}
          </label>
        </form>
        {canManage && (
          <button type="button" className="primary" onClick={() => setDialog({ kind: 'new' })}>
            F3 {t('newCustomer')}
          </button>
        )}
      </div>
      <p className="hint">{t('customerKeys')}</p>
      <ErrorBanner error={list.error} />
      <Notice text={notice} />
      <table className="list" data-testid="customer-list">
        <thead>
          <tr>
            <th>{t('customerCode')}</th>
            <th>{t('customerName')}</th>
            <th>{t('nameKana')}</th>
            <th>{t('phone')}</th>
            <th className="num">{t('purchases')}</th>
            <th>{t('lastVisit')}</th>
          </tr>
        </thead>
        <tbody ref={listRef}>
          {rows.map((c, i) => (
            <tr
              key={c.id}
              tabIndex={0}
              className={c.archivedAt ? 'clickable muted' : 'clickable'}
              data-testid={`customer-${c.id}`}
              onClick={() => setDialog({ kind: 'open', id: c.id })}
              onKeyDown={(e) => onRowKey(e, i, c.id)}
            >
              <td>{c.code ?? ''}</td>
              <td>
                {c.name}
                {c.archivedAt && ` (${t('archivedMark')})`}
              </td>
              <td>{c.nameKana}</td>
              <td>{c.phone}</td>
              <td className="num">{c.salesCount}</td>
              <td>{c.lastVisitDate ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.rows?.length === 0 && !list.error && <p className="empty">{t('noCustomers')}</p>}
      {list.hasMore && (
        <button type="button" onClick={() => void list.more()}>
          {t('loadMore')}
        </button>
      )}
      {dialog && (
        <CustomerDialog
          key={dialog.kind === 'open' ? dialog.id : 'new'}
          base={base}
          customerId={dialog.kind === 'open' ? dialog.id : null}
          canManage={canManage}
          onClose={closeDialog}
          onSaved={(c, message) => {
            setDialog({ kind: 'open', id: c.id });
            afterChange(message);
          }}
          onArchived={(message) => {
            closeDialog();
            afterChange(message);
          }}
        />
      )}
    </div>
  );
}

const emptyForm = { code: '', name: '', nameKana: '', phone: '', email: '', note: '' };

/** Register a customer, or show one: the form (Enter saves), their figures, 退会 and taking it back. */
function CustomerDialog(props: {
  base: string;
  customerId: number | null;
  canManage: boolean;
  onClose: () => void;
  onSaved: (c: CustomerDetail, message: string) => void;
  onArchived: (message: string) => void;
}) {
  const { t } = useI18n();
  const [customer, setCustomer] = useState<CustomerDetail | null>(null);
  const [form, setForm] = useState(emptyForm);
  const { busy, error, setError, notice, setNotice, run } = useAction();
  const [confirming, setConfirming] = useState(false);
  // One key per registration attempt: a retry after a lost answer does not register twice.
  const [idempotencyKey] = useState(newIdempotencyKey);
  const url = props.customerId === null ? null : `${props.base}/${props.customerId}`;
  // An existing customer's form stays shut until they are loaded: what a clerk typed before
  // would be replaced by the stored values, and Enter would save those.
  const loading = url !== null && customer === null;
  const editable = props.canManage && !loading && !customer?.archivedAt;
  const nameInput = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (customer && editable) nameInput.current?.focus();
  }, [customer?.id]); // eslint-disable-line react-hooks/exhaustive-deps

  const show = (c: CustomerDetail) => {
    setCustomer(c);
    setForm({
      code: c.code ?? '',
      name: c.name,
      nameKana: c.nameKana,
      phone: c.phone,
      email: c.email,
      note: c.note,
    });
  };
  useEffect(() => {
    if (url) api<CustomerDetail>(url).then(show, (e) => setError(describeError(e, t)));
  }, [url]); // eslint-disable-line react-hooks/exhaustive-deps

  const save = (e: FormEvent) => {
    e.preventDefault();
    if (!editable) return;
    void run(async () => {
      const body = { ...form, code: form.code.trim() || null };
      if (url) {
        const saved = await api<CustomerDetail>(url, { method: 'PATCH', body });
        show(saved);
        setNotice(t('customerSaved', { name: saved.name }));
        props.onSaved(saved, t('customerSaved', { name: saved.name }));
      } else {
        const made = await api<CustomerDetail>(props.base, { method: 'POST', body, idempotencyKey });
        props.onSaved(made, t('customerCreated', { name: made.name }));
      }
    });
  };
  const archive = () =>
    void run(async () => {
      await api(url!, { method: 'DELETE' });
      props.onArchived(t('customerArchivedNotice', { name: customer!.name }));
    });
  const restore = () =>
    void run(async () => {
      const restored = await api<CustomerDetail>(`${url!}/restore`, { method: 'POST', body: {} });
      show(restored);
      const message = t('customerRestoredNotice', { name: restored.name });
      setNotice(message);
      props.onSaved(restored, message);
    });

  const field = (name: keyof typeof emptyForm) => ({
    name,
    value: form[name],
    disabled: !editable,
    onChange: (e: { target: { value: string } }) => setForm((f) => ({ ...f, [name]: e.target.value })),
  });
  const title = customer
    ? `${t('customerTitle')}: ${customer.name}${customer.archivedAt ? ` (${t('archivedMark')})` : ''}`
    : t('newCustomer');
  const s = customer?.stats;

  return (
    <Modal title={title} onClose={props.onClose} wide>
      <form className="stack" onSubmit={save} data-testid="customer-form">
        <ErrorBanner error={error} />
        <Notice text={notice} />
        <label>
          {t('customerName')}
          <input {...field('name')} ref={nameInput} autoFocus required maxLength={100} />
        </label>
        <label>
          {t('nameKana')}
          <input {...field('nameKana')} maxLength={100} />
        </label>
        <label>
          {t('phone')}
          <input {...field('phone')} type="tel" maxLength={30} />
        </label>
        <label>
          {t('customerCode')}
          <input {...field('code')} maxLength={32} />
        </label>
        <label>
          {t('email')}
          <input {...field('email')} type="email" maxLength={254} />
        </label>
        <label>
          {t('note')}
          <textarea {...field('note')} rows={2} maxLength={1000} />
        </label>
        <div className="actions">
          <button type="button" onClick={props.onClose}>
            {t('close')}
          </button>
          {editable && customer && !confirming && (
            <button
              type="button"
              className="danger"
              onClick={() => setConfirming(true)}
              data-testid="customer-archive"
            >
              {t('archiveCustomer')}
            </button>
          )}
          {props.canManage && customer?.archivedAt && (
            <button type="button" onClick={restore} disabled={busy} data-testid="customer-restore">
              {t('restoreCustomer')}
            </button>
          )}
          {editable && (
            <button type="submit" className="primary" disabled={busy} data-testid="customer-save">
              {t('save')}
            </button>
          )}
        </div>
        {confirming && customer && (
          <div className="notice" role="alert">
            {t('confirmArchive', { name: customer.name })}{' '}
            <button type="button" onClick={() => setConfirming(false)}>
              {t('cancel')}
            </button>{' '}
            <button
              type="button"
              className="primary"
              onClick={archive}
              data-testid="customer-archive-confirm"
            >
              {t('archiveCustomer')}
            </button>
          </div>
        )}
      </form>
      {s && (
        <>
          <dl className="facts" data-testid="customer-stats">
            <dt>{t('purchases')}</dt>
            <dd>{s.salesCount}</dd>
            <dt>{t('purchasesTotal')}</dt>
            <dd>{formatYen(s.salesTotal)}</dd>
            <dt>{t('returnsCount')}</dt>
            <dd>{s.returnsCount}</dd>
            <dt>{t('returnsTotal')}</dt>
            <dd>{formatYen(s.returnsTotal)}</dd>
            <dt>{t('netSpent')}</dt>
            <dd>{formatYen(s.netTotal)}</dd>
            <dt>{t('itemsBought')}</dt>
            <dd>{s.items}</dd>
            <dt>{t('firstVisit')}</dt>
            <dd>{s.firstVisitDate ?? '—'}</dd>
            <dt>{t('lastVisit')}</dt>
            <dd>{s.lastVisitDate ?? '—'}</dd>
          </dl>
          <p className="hint">{t('statsLag')}</p>
        </>
      )}
    </Modal>
  );
}
