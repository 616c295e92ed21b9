import { useState, type FormEvent } from 'react';
import { api } from '../api.ts';
import { ErrorBanner } from '../components.tsx';
import { describeError } from '../errors.ts';
import { useI18n } from '../i18n.tsx';
import type { Me, StoreSummary } from '../types.ts';

/** Sales mode at one store and register, or the corporation-wide back office. */
export function ModeSelect(props: { me: Me; stores: StoreSummary[]; onChosen: (me: Me) => void }) {
  const { t } = useI18n();
  const policies = new Set(props.me.account.policies);
  const [storeId, setStoreId] = useState<number | null>(props.me.storeId ?? props.stores[0]?.id ?? null);
  const store = props.stores.find((s) => s.id === storeId) ?? props.stores[0];
  const [registerId, setRegisterId] = useState<number | null>(props.me.registerId);
  const register = store?.registers.find((r) => r.id === registerId) ?? store?.registers[0];
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const choose = async (body: object) => {
    setBusy(true);
    setError(null);
    try {
      props.onChosen(await api<Me>('/api/v1/auth/session', { method: 'POST', body }));
    } catch (e) {
      setError(describeError(e, t));
      setBusy(false);
    }
  };
  const sales = (e: FormEvent) => {
    e.preventDefault();
    if (store && register) void choose({ mode: 'sales', storeId: store.id, registerId: register.id });
  };

  return (
    <div className="center">
      <div className="card modes">
        <h1>{t('chooseMode')}</h1>
        {policies.has('mode.sales') && (
          <form onSubmit={sales}>
            <h2>{t('salesMode')}</h2>
            <label>
              {t('store')}
              <select
                name="store"
                autoFocus
                value={store?.id ?? ''}
                onChange={(e) => {
                  setStoreId(Number(e.target.value));
                  setRegisterId(null);
                }}
              >
                {props.stores.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('register')}
              <select
                name="register"
                value={register?.id ?? ''}
                onChange={(e) => setRegisterId(Number(e.target.value))}
              >
                {store?.registers.map((r) => (
                  <option key={r.id} value={r.id}>
                    {r.name}
                    {r.primary ? t('primaryRegister') : ''}
                  </option>
                ))}
              </select>
            </label>
            <button type="submit" className="primary" disabled={busy || !register}>
              {t('salesMode')}: {t('start')}
            </button>
          </form>
        )}
        {policies.has('mode.admin') && (
          <button type="button" disabled={busy} onClick={() => void choose({ mode: 'admin' })}>
            {t('adminMode')}
          </button>
        )}
        <ErrorBanner error={error} />
      </div>
    </div>
  );
}
