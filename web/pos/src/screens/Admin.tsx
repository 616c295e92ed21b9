import { useEffect, useState, type FormEvent } from 'react';
import { api, storeApi } from '../api.ts';
import { ErrorBanner, Notice } from '../components.tsx';
import { describeError } from '../errors.ts';
import { formatYen, useI18n } from '../i18n.tsx';
import type { DailyReport, Group, StaffAccount, StoreSettings, StoreSummary } from '../types.ts';
import { GroupEditDialog, policyLabel, StaffEditDialog } from './StaffEdit.tsx';

/** Staff accounts and permission groups; a new account (a clerk by default) with its stores. */
export function Staff({ stores }: { stores: StoreSummary[] }) {
  const { t } = useI18n();
  const [staff, setStaff] = useState<StaffAccount[]>([]);
  const [groups, setGroups] = useState<Group[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [form, setForm] = useState({
    displayName: '',
    email: '',
    password: '',
    employeeCode: '',
    groupId: '',
  });
  const [storeIds, setStoreIds] = useState<number[]>([]);
  const [editing, setEditing] = useState<StaffAccount | null>(null);
  const [editingGroup, setEditingGroup] = useState<Group | 'new' | null>(null);

  const load = () =>
    Promise.all([
      api<{ items: StaffAccount[] }>('/api/v1/admin/staff'),
      api<{ items: Group[] }>('/api/v1/admin/groups'),
    ]).then(
      ([s, g]) => {
        setStaff(s.items);
        setGroups(g.items);
      },
      (e) => setError(describeError(e, t)),
    );
  useEffect(() => void load(), []); // eslint-disable-line react-hooks/exhaustive-deps

  const groupId = form.groupId || String(groups.find((g) => g.builtin === 'clerk')?.id ?? '');
  const create = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      const made = await api<StaffAccount>('/api/v1/admin/staff', {
        method: 'POST',
        body: {
          displayName: form.displayName,
          email: form.email,
          password: form.password,
          employeeCode: form.employeeCode.trim() || null,
          groupId: Number(groupId),
          storeIds,
        },
      });
      setNotice(t('staffCreated', { name: made.displayName }));
      setForm({ displayName: '', email: '', password: '', employeeCode: '', groupId: '' });
      setStoreIds([]);
      await load();
    } catch (err) {
      setError(describeError(err, t));
    } finally {
      setBusy(false);
    }
  };
  const field = (name: keyof typeof form) => ({
    name,
    value: form[name],
    onChange: (e: { target: { value: string } }) => setForm((f) => ({ ...f, [name]: e.target.value })),
  });
  const storeName = (id: number) => stores.find((s) => s.id === id)?.name ?? `#${id}`;

  return (
    <div className="columns">
      <div>
        <ErrorBanner error={error} />
        <Notice text={notice} />
        <table className="list" data-testid="staff-list">
          <thead>
            <tr>
              <th>{t('staffName')}</th>
              <th>{t('email')}</th>
              <th>{t('staffCode')}</th>
              <th>{t('group')}</th>
              <th>{t('store')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {staff.map((s) => (
              <tr key={s.id} className={s.disabled ? 'muted' : undefined} data-testid={`staff-${s.id}`}>
                <td>
                  {s.displayName}
                  {s.disabled && ` (${t('accountDisabled')})`}
                </td>
                <td>{s.email}</td>
                <td>{s.employeeCode ?? ''}</td>
                <td>{s.groupName}</td>
                <td>{s.storeIds.map(storeName).join(', ')}</td>
                <td>
                  <button type="button" onClick={() => setEditing(s)} data-testid={`edit-staff-${s.id}`}>
                    {t('edit')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="page-head">
          <h2>{t('groups')}</h2>
          <button type="button" onClick={() => setEditingGroup('new')} data-testid="new-group">
            {t('newGroup')}
          </button>
        </div>
        <table className="list" data-testid="group-list">
          <tbody>
            {groups.map((g) => (
              <tr key={g.id} data-testid={`group-${g.id}`}>
                <th>{g.name}</th>
                <td className="policies">{g.policies.map((p) => policyLabel(p, t)).join('・')}</td>
                <td>
                  {g.builtin === null && (
                    <button
                      type="button"
                      onClick={() => setEditingGroup(g)}
                      data-testid={`edit-group-${g.id}`}
                    >
                      {t('edit')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {editing && (
        <StaffEditDialog
          key={editing.id}
          account={editing}
          groups={groups}
          stores={stores}
          onClose={() => setEditing(null)}
          onSaved={(a, message) => {
            setEditing(a);
            setNotice(message);
            void load();
          }}
        />
      )}
      {editingGroup && (
        <GroupEditDialog
          group={editingGroup === 'new' ? null : editingGroup}
          onClose={() => setEditingGroup(null)}
          onSaved={(_, message) => {
            setEditingGroup(null);
            setNotice(message);
            void load();
          }}
        />
      )}
      <form className="card stack" onSubmit={create} data-testid="staff-form">
        <h2>{t('newStaff')}</h2>
        <label>
          {t('staffName')}
          <input {...field('displayName')} required />
        </label>
        <label>
          {t('email')}
          <input {...field('email')} type="email" required />
        </label>
        <label>
          {t('initialPassword')}
          <input {...field('password')} type="password" autoComplete="new-password" required />
        </label>
        <label>
          {t('staffCode')}
          <input {...field('employeeCode')} />
        </label>
        <label>
          {t('group')}
          <select
            name="groupId"
            value={groupId}
            onChange={(e) => setForm((f) => ({ ...f, groupId: e.target.value }))}
          >
            {groups.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </select>
        </label>
        <fieldset>
          <legend>{t('store')}</legend>
          {stores.map((s) => (
            <label key={s.id} className="check">
              <input
                type="checkbox"
                name={`store-${s.id}`}
                checked={storeIds.includes(s.id)}
                onChange={(e) =>
                  setStoreIds((ids) => (e.target.checked ? [...ids, s.id] : ids.filter((x) => x !== s.id)))
                }
              />
              {s.name}
            </label>
          ))}
        </fieldset>
        <button type="submit" className="primary" disabled={busy} data-testid="staff-create">
          {t('createStaff')}
        </button>
      </form>
    </div>
  );
}

/** The store's receipt header and footer and the staff-code timeout. */
export function StoreSettingsForm({ storeId }: { storeId: number }) {
  const { t } = useI18n();
  const url = storeApi(storeId);
  const [store, setStore] = useState<StoreSettings | null>(null);
  const [header, setHeader] = useState('');
  const [footer, setFooter] = useState('');
  const [timeout, setTimeoutMinutes] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const show = (s: StoreSettings) => {
    setStore(s);
    setHeader(s.receiptHeader);
    setFooter(s.receiptFooter);
    setTimeoutMinutes(String(s.staffCodeTimeoutMinutes));
  };
  useEffect(() => {
    api<StoreSettings>(url).then(show, (e) => setError(describeError(e, t)));
  }, [url]); // eslint-disable-line react-hooks/exhaustive-deps

  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      show(
        await api<StoreSettings>(url, {
          method: 'PATCH',
          body: { receiptHeader: header, receiptFooter: footer, staffCodeTimeoutMinutes: Number(timeout) },
        }),
      );
      setNotice(t('saved'));
    } catch (err) {
      setError(describeError(err, t));
    } finally {
      setBusy(false);
    }
  };

  if (!store) return <ErrorBanner error={error} />;
  return (
    <form className="card stack" onSubmit={save} data-testid="store-settings">
      <h2>{store.name}</h2>
      <ErrorBanner error={error} />
      <Notice text={notice} />
      <label>
        {t('receiptHeader')}
        <textarea name="receiptHeader" rows={3} value={header} onChange={(e) => setHeader(e.target.value)} />
      </label>
      <label>
        {t('receiptFooter')}
        <textarea name="receiptFooter" rows={3} value={footer} onChange={(e) => setFooter(e.target.value)} />
      </label>
      <label>
        {t('staffCodeTimeout')}
        <input
          name="staffCodeTimeoutMinutes"
          inputMode="numeric"
          className="small"
          value={timeout}
          onChange={(e) => setTimeoutMinutes(e.target.value)}
        />
      </label>
      <button type="submit" className="primary" disabled={busy} data-testid="settings-save">
        {t('save')}
      </button>
    </form>
  );
}

const isoDay = (d: Date) =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

/** 日報: the nightly figures per business day in a range, with the CSV of the same range. */
export function DailyReports({ storeId }: { storeId: number }) {
  const { t } = useI18n();
  const base = `${storeApi(storeId)}/reports`;
  const [from, setFrom] = useState(() => isoDay(new Date(Date.now() - 6 * 86_400_000)));
  const [to, setTo] = useState(() => isoDay(new Date()));
  const [days, setDays] = useState<DailyReport[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const range = new URLSearchParams({ from, to });

  const load = () =>
    api<{ days: DailyReport[] }>(`${base}/daily?${range}`).then(
      (r) => {
        setDays(r.days);
        setError(null);
      },
      (e) => setError(describeError(e, t)),
    );
  useEffect(() => void load(), [storeId]); // eslint-disable-line react-hooks/exhaustive-deps

  const methods = (d: DailyReport) =>
    d.byMethod
      .filter((m) => m.kind === 'sale')
      .map((m) => `${methodLabel(m.method, t)} ${formatYen(m.amount)}`)
      .join(' / ');

  return (
    <div data-testid="daily">
      <form
        className="inline"
        onSubmit={(e) => {
          e.preventDefault();
          void load();
        }}
      >
        <label>
          {t('from')} <input type="date" name="from" value={from} onChange={(e) => setFrom(e.target.value)} />
        </label>
        <label>
          {t('to')} <input type="date" name="to" value={to} onChange={(e) => setTo(e.target.value)} />
        </label>
        <button type="submit">{t('show')}</button>
        <a className="button" href={`${base}/daily.csv?${range}`} download data-testid="daily-csv">
          {t('csv')}
        </a>
      </form>
      <ErrorBanner error={error} />
      <table className="list" data-testid="daily-table">
        <thead>
          <tr>
            <th>{t('businessDate')}</th>
            <th className="num">{t('salesCount')}</th>
            <th className="num">{t('salesNet')}</th>
            <th className="num">{t('returnsNet')}</th>
            <th className="num">{t('netTakings')}</th>
            <th className="num">{t('taxShort')}</th>
            <th>{t('byMethod')}</th>
            <th className="num">{t('overShort')}</th>
          </tr>
        </thead>
        <tbody>
          {(days ?? []).map((d) => (
            <tr key={d.businessDate}>
              <td>{d.businessDate}</td>
              <td className="num">{d.salesCount}</td>
              <td className="num">{formatYen(d.salesNet)}</td>
              <td className="num">{formatYen(d.returnsNet)}</td>
              <td className="num">{formatYen(d.netTakings)}</td>
              <td className="num">{formatYen(d.salesTax)}</td>
              <td>{methods(d)}</td>
              <td className="num">{formatYen(d.cashOverShort)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {days && days.length === 0 && <p className="empty">{t('noDailyFigures')}</p>}
    </div>
  );
}

const methodKeys = ['cash', 'card', 'qr', 'emoney', 'bank_transfer'] as const;
export function methodLabel(method: string, t: ReturnType<typeof useI18n>['t']): string {
  return (methodKeys as readonly string[]).includes(method)
    ? t(`method_${method as (typeof methodKeys)[number]}`)
    : method;
}
