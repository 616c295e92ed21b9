import { useRef, useState, type FormEvent } from 'react';
import { api, ApiError, newIdempotencyKey, OfflineError, storeApi } from '../api.ts';
import type { Session } from '../app.tsx';
import { DocumentView, ErrorBanner } from '../components.tsx';
import { describeError } from '../errors.ts';
import { formatYen, useI18n } from '../i18n.tsx';
import type { Route } from '../router.ts';
import type { Sale } from '../types.ts';

/** Return mode: find a sale by its number (or scan the receipt barcode), confirm, refund all of it. */
export function Returns({ session, go }: { session: Session; go: (r: Route) => void }) {
  const { t } = useI18n();
  const base = storeApi(session.store.id);
  const [number, setNumber] = useState('');
  const [sale, setSale] = useState<Sale | null>(null);
  const [reason, setReason] = useState(t('defaultReturnReason'));
  const [done, setDone] = useState<Sale | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const key = useRef(newIdempotencyKey());
  const inFlight = useRef(false);

  const find = async (e: FormEvent) => {
    e.preventDefault();
    if (!number.trim()) return;
    setError(null);
    setSale(null);
    setDone(null);
    try {
      setSale(await api<Sale>(`${base}/sales/lookup?number=${encodeURIComponent(number.trim())}`));
      key.current = newIdempotencyKey();
    } catch (err) {
      setError(describeError(err, t));
    }
  };

  const refund = async () => {
    if (!sale || inFlight.current) return;
    inFlight.current = true;
    setBusy(true);
    setError(null);
    try {
      const r = await api<Sale>(`${base}/sales/${sale.id}/return`, {
        method: 'POST',
        body: { registerId: session.register.id, reason: reason.trim() || t('defaultReturnReason') },
        idempotencyKey: key.current,
      });
      setDone(r);
    } catch (err) {
      if (err instanceof ApiError && !(err instanceof OfflineError)) key.current = newIdempotencyKey();
      setError(describeError(err, t));
    } finally {
      inFlight.current = false;
      setBusy(false);
    }
  };

  const returnable = sale && sale.status === 'completed' && sale.kind === 'sale' && !sale.returnedBySaleId;

  return (
    <div className="page" data-testid="returns">
      <div className="page-head">
        <h1>{t('returnTitle')}</h1>
        <button type="button" onClick={() => go('/register')}>
          {t('back')} (Esc)
        </button>
      </div>
      <form
        className="inline"
        onSubmit={find}
        onKeyDown={(e) => {
          if (e.key === 'Escape') go('/register');
        }}
      >
        <input
          name="saleNumber"
          autoFocus
          aria-label={t('returnFind')}
          placeholder={t('returnFind')}
          value={number}
          onChange={(e) => setNumber(e.target.value)}
        />
        <button type="submit">{t('find')}</button>
      </form>
      <ErrorBanner error={error} />
      {sale && !done && (
        <div className="card" data-testid="return-sale">
          <p>
            {t('saleNumber')}: <strong>{sale.number}</strong> / {t('total')}{' '}
            <strong>{formatYen(sale.total)}</strong>
          </p>
          <table className="list">
            <tbody>
              {sale.lines.map((l, i) => (
                <tr key={i}>
                  <td>{l.name}</td>
                  <td>{l.detail}</td>
                  <td className="num">
                    {formatYen(l.unitPrice)} × {l.quantity}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {returnable ? (
            <div className="inline">
              <label>
                {t('returnReason')}
                <input name="reason" value={reason} onChange={(e) => setReason(e.target.value)} />
              </label>
              <button type="button" className="primary" data-testid="refund" disabled={busy} onClick={refund}>
                {busy ? t('refunding') : `${t('refund')} ${formatYen(sale.total)}`}
              </button>
            </div>
          ) : (
            <p className="error">{sale.status !== 'completed' ? t('notCompleted') : t('alreadyReturned')}</p>
          )}
        </div>
      )}
      {done && (
        <div className="card" data-testid="return-done">
          <p className="big">{t('refunded', { amount: formatYen(done.total) })}</p>
          <DocumentView
            src={`${base}/sales/${done.id}/receipt?format=html`}
            title={t('receipt')}
            testId="return-receipt"
          />
        </div>
      )}
    </div>
  );
}
