import { useRef, useState, type FormEvent } from 'react';
import { api, ApiError, newIdempotencyKey, OfflineError, storeApi } from '../api.ts';
import { DocumentView, ErrorBanner, Modal, parseYen } from '../components.tsx';
import { describeError } from '../errors.ts';
import { formatYen, useI18n } from '../i18n.tsx';
import { otherMethods, type OtherMethod, type PaymentInput, type Sale } from '../types.ts';

/**
 * The pay screen: cash tendered (change shown large as it is typed), another method, or both
 * (split: the other method's amount, the rest in cash). One Idempotency-Key per payment attempt:
 * a double click or a retry after a lost answer completes the sale once; a refused attempt (4xx)
 * gets a fresh key, since its corrected retry is a different payment.
 */
export function PayModal(props: {
  storeId: number;
  sale: Sale;
  onClose: () => void;
  onCompleted: (sale: Sale) => void;
}) {
  const { t } = useI18n();
  const total = props.sale.total;
  const [tendered, setTendered] = useState('');
  const [method, setMethod] = useState<OtherMethod | ''>('');
  const [otherAmount, setOtherAmount] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const key = useRef(newIdempotencyKey());
  const inFlight = useRef(false);

  const other = method ? (otherAmount.trim() === '' ? total : parseYen(otherAmount)) : 0;
  const cashDue = Math.max(0, total - other);
  const cash = parseYen(tendered);
  const change = cash - cashDue;

  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    if (inFlight.current) return;
    if (Number.isNaN(cash) || Number.isNaN(other)) return setError(t('err_validation'));
    const payment: PaymentInput = {};
    if (cashDue > 0 || tendered.trim() !== '') payment.cashTendered = cash;
    if (method) payment.other = { method, amount: other };
    inFlight.current = true;
    setBusy(true);
    setError(null);
    try {
      const done = await api<Sale>(`${storeApi(props.storeId)}/sales/${props.sale.id}/complete`, {
        method: 'POST',
        body: { payment },
        idempotencyKey: key.current,
      });
      props.onCompleted(done);
    } catch (err) {
      if (err instanceof ApiError && !(err instanceof OfflineError)) key.current = newIdempotencyKey();
      setError(describeError(err, t));
      inFlight.current = false;
      setBusy(false);
    }
  };

  return (
    <Modal title={t('payTitle')} onClose={() => !inFlight.current && props.onClose()} wide>
      <form className="pay" onSubmit={submit} data-testid="pay">
        <div className="pay-total">
          <span>{t('total')}</span>
          <strong data-testid="pay-total">{formatYen(total)}</strong>
        </div>
        <label>
          {t('otherMethod')}
          <select
            name="method"
            value={method}
            onChange={(e) => setMethod(e.target.value as OtherMethod | '')}
          >
            <option value="">{t('none')}</option>
            {otherMethods.map((m) => (
              <option key={m} value={m}>
                {t(`method_${m}`)}
              </option>
            ))}
          </select>
        </label>
        {method && (
          <label>
            {t('otherAmount')} ({t(`method_${method}`)})
            <input
              name="otherAmount"
              inputMode="numeric"
              placeholder={String(total)}
              value={otherAmount}
              onChange={(e) => setOtherAmount(e.target.value)}
            />
          </label>
        )}
        <div className="pay-due">
          <span>{t('cashDue')}</span>
          <strong>{formatYen(cashDue)}</strong>
        </div>
        <label>
          {t('cashTendered')}
          <input
            name="tendered"
            className="big-input"
            inputMode="numeric"
            autoFocus
            value={tendered}
            onChange={(e) => setTendered(e.target.value)}
          />
        </label>
        <div className="quick">
          <button type="button" onClick={() => setTendered(String(cashDue))}>
            {t('exact')}
          </button>
          {[1000, 5000, 10000].map((n) => (
            <button key={n} type="button" onClick={() => setTendered(String(Math.max(n, cash + n)))}>
              +{formatYen(n)}
            </button>
          ))}
        </div>
        <div className={change < 0 ? 'change short' : 'change'}>
          <span>{change < 0 ? t('short') : t('change')}</span>
          <strong data-testid="pay-change">{formatYen(Math.abs(change))}</strong>
        </div>
        <ErrorBanner error={error} />
        <div className="actions">
          <button type="button" onClick={props.onClose} disabled={busy}>
            {t('cancel')} (Esc)
          </button>
          <button
            type="submit"
            className="primary"
            data-testid="complete"
            disabled={busy || (cashDue > 0 && change < 0)}
          >
            {busy ? t('completing') : `${t('complete')} (Enter)`}
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** After payment: the change in large type, the receipt for the browser's print, the formal receipt. */
export function CompletedView(props: { storeId: number; sale: Sale; onNext: () => void }) {
  const { t } = useI18n();
  const base = `${storeApi(props.storeId)}/sales/${props.sale.id}`;
  const [addressee, setAddressee] = useState('');
  const [purpose, setPurpose] = useState(t('defaultPurpose'));
  const [formal, setFormal] = useState<string | null>(null);
  const [showReceipt, setShowReceipt] = useState(false);

  return (
    <Modal title={t('completed')} onClose={props.onNext} wide>
      <div className="completed" data-testid="completed">
        <div className="change-big">
          <span>{t('change')}</span>
          <strong data-testid="change">{formatYen(props.sale.change ?? 0)}</strong>
        </div>
        <p>
          {t('saleNumber')}: <span data-testid="sale-number">{props.sale.number}</span> / {t('total')}{' '}
          {formatYen(props.sale.total)}
          {props.sale.tendered != null && (
            <>
              {' '}
              / {t('cashTendered')} {formatYen(props.sale.tendered)}
            </>
          )}
        </p>
        <div className="actions">
          <button type="button" data-testid="show-receipt" onClick={() => setShowReceipt(true)}>
            {t('printReceipt')}
          </button>
          <button type="button" className="primary" autoFocus onClick={props.onNext}>
            {t('nextCustomer')} (Enter)
          </button>
        </div>
        {showReceipt && (
          <DocumentView src={`${base}/receipt?format=html`} title={t('receipt')} testId="receipt" />
        )}
        <details>
          <summary>{t('formalReceipt')}</summary>
          <form
            className="inline"
            onSubmit={(e) => {
              e.preventDefault();
              setFormal(`${base}/formal-receipt?${new URLSearchParams({ addressee, purpose }).toString()}`);
            }}
          >
            <label>
              {t('addressee')}
              <input name="addressee" value={addressee} onChange={(e) => setAddressee(e.target.value)} />
            </label>
            <label>
              {t('purpose')}
              <input name="purpose" value={purpose} onChange={(e) => setPurpose(e.target.value)} />
            </label>
            <button type="submit">{t('issue')}</button>
          </form>
          {formal && <DocumentView src={formal} title={t('formalReceipt')} testId="formal-receipt" />}
        </details>
      </div>
    </Modal>
  );
}
