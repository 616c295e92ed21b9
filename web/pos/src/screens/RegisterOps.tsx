import { useCallback, useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { api, ApiError, newIdempotencyKey, OfflineError, storeApi } from '../api.ts';
import type { Session } from '../app.tsx';
import { DocumentView, ErrorBanner, Modal, Notice, parseYen } from '../components.tsx';
import { describeError } from '../errors.ts';
import { formatYen, useI18n, type MessageKey } from '../i18n.tsx';
import type { Route } from '../router.ts';
import type { Figures, RegisterState, Settlement } from '../types.ts';
import { methodLabel } from './Admin.tsx';

export const denominations = [10000, 5000, 2000, 1000, 500, 100, 50, 10, 5, 1] as const;
type Count = Record<string, number>;

type Action = 'open' | 'middle' | 'close' | 'cash';

/**
 * Register open / cash in-out / middle check / close. Each check counts the drawer by denomination;
 * the close also takes the next day's float and shows the printable settlement.
 */
export function RegisterOps({ session, go }: { session: Session; go: (r: Route) => void }) {
  const { t } = useI18n();
  const base = `${storeApi(session.store.id)}/registers`;
  const [state, setState] = useState<RegisterState | null>(null);
  const [action, setAction] = useState<Action | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [printed, setPrinted] = useState<Settlement | null>(null);

  const load = useCallback(
    () =>
      api<RegisterState>(`${base}/${session.register.id}/state`).then(setState, (e) =>
        setError(describeError(e, t)),
      ),
    [base, session.register.id, t],
  );
  useEffect(() => void load(), [load]);

  const open = state?.status === 'open';
  const f = state?.figures;

  const finished = (msg: MessageKey, s?: Settlement) => {
    setAction(null);
    setNotice(t(msg));
    setPrinted(s ?? null);
    void load();
  };

  return (
    <div className="page" data-testid="register-ops">
      <div className="page-head">
        <h1>
          {t('registerOpsTitle')} — {session.register.name}
        </h1>
        {open && (
          <button type="button" className="primary" onClick={() => go('/register')} data-testid="to-register">
            {t('toRegister')}
          </button>
        )}
      </div>
      <ErrorBanner error={error} />
      <Notice text={notice} />
      {state && (
        <dl className="facts" data-testid="register-state">
          <dt>{t('status')}</dt>
          <dd data-testid="register-status">{open ? t('statusOpen') : t('statusClosed')}</dd>
          <dt>{t('businessDate')}</dt>
          <dd>{state.businessDate ?? state.store.businessDate ?? '—'}</dd>
          <dt>{t('expectedCash')}</dt>
          <dd data-testid="expected-cash">{formatYen(state.expectedCash)}</dd>
          {f && (
            <>
              <dt>{t('openingCash')}</dt>
              <dd>{formatYen(f.openingCash)}</dd>
              <dt>{t('cashSales')}</dt>
              <dd>{formatYen(f.cashSales)}</dd>
              <dt>{t('cashRefunds')}</dt>
              <dd>{formatYen(f.cashSaleRefunds)}</dd>
              <dt>{t('cashIn')}</dt>
              <dd>{formatYen(f.cashIn)}</dd>
              <dt>{t('cashOut')}</dt>
              <dd>{formatYen(f.cashOut)}</dd>
            </>
          )}
        </dl>
      )}
      {f && <TodaySummary figures={f} />}
      <div className="actions">
        {!open && (
          <button
            type="button"
            className="primary"
            autoFocus
            onClick={() => setAction('open')}
            data-testid="open-register"
          >
            {t('openRegister')}
          </button>
        )}
        {open && (
          <>
            <button type="button" onClick={() => setAction('cash')}>
              {t('cashMove')}
            </button>
            <button type="button" onClick={() => setAction('middle')}>
              {t('middleCheck')}
            </button>
            <button type="button" onClick={() => setAction('close')} data-testid="close-register">
              {t('closeRegister')}
            </button>
          </>
        )}
      </div>
      {printed && (
        <div className="card">
          <h2>{t('settlement')}</h2>
          <DocumentView
            src={`${base}/settlements/${printed.id}/document?format=html`}
            title={t('settlement')}
            testId="settlement"
          />
        </div>
      )}
      {(action === 'open' || action === 'middle' || action === 'close') && (
        <CountDialog
          kind={action}
          url={`${base}/${session.register.id}/${action === 'middle' ? 'middle-check' : action}`}
          expected={state?.expectedCash ?? 0}
          onClose={() => setAction(null)}
          onDone={(s) =>
            finished(action === 'open' ? 'openedOk' : action === 'close' ? 'closedOk' : 'middleOk', s)
          }
        />
      )}
      {action === 'cash' && (
        <CashMoveDialog
          url={`${base}/${session.register.id}/cash-movements`}
          onClose={() => setAction(null)}
          onDone={() => finished('movedOk')}
        />
      )}
    </div>
  );
}

/** The denomination counting form (金種表): pieces per note and coin, totals as they are typed. */
function CountDialog(props: {
  kind: 'open' | 'middle' | 'close';
  url: string;
  expected: number;
  onClose: () => void;
  onDone: (s: Settlement) => void;
}) {
  const { t } = useI18n();
  const [pieces, setPieces] = useState<Record<string, string>>({});
  const [nextFloat, setNextFloat] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const key = useRef(newIdempotencyKey());
  const inFlight = useRef(false);

  const count: Count = {};
  for (const d of denominations) {
    const n = parseYen(pieces[d] ?? '');
    if (n) count[d] = n;
  }
  const valid = Object.values(count).every((n) => Number.isInteger(n) && n >= 0);
  const total = denominations.reduce((s, d) => s + d * (count[d] ?? 0), 0);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!valid || inFlight.current) return;
    inFlight.current = true;
    setBusy(true);
    setError(null);
    try {
      const body =
        props.kind === 'close'
          ? { count, nextFloat: nextFloat.trim() === '' ? total : parseYen(nextFloat) }
          : { count };
      props.onDone(await api<Settlement>(props.url, { method: 'POST', body, idempotencyKey: key.current }));
    } catch (err) {
      if (err instanceof ApiError && !(err instanceof OfflineError)) key.current = newIdempotencyKey();
      setError(describeError(err, t));
      inFlight.current = false;
      setBusy(false);
    }
  };

  // Enter moves down the column like a calculator; on the last field it submits.
  const onKey = (e: KeyboardEvent<HTMLFormElement>) => {
    const target = e.target as HTMLInputElement;
    if (e.key !== 'Enter' || target.tagName !== 'INPUT') return;
    const inputs = [...e.currentTarget.querySelectorAll<HTMLInputElement>('input')];
    const i = inputs.indexOf(target);
    if (i < inputs.length - 1) {
      e.preventDefault();
      inputs[i + 1]!.focus();
      inputs[i + 1]!.select();
    }
  };

  const title =
    props.kind === 'open'
      ? t('openRegister')
      : props.kind === 'close'
        ? t('closeRegister')
        : t('middleCheck');
  return (
    <Modal title={`${title}: ${t('countTitle')}`} onClose={props.onClose} wide>
      <form onSubmit={submit} onKeyDown={onKey} data-testid="count-form" className="count">
        <table className="list">
          <thead>
            <tr>
              <th>{t('denomination')}</th>
              <th>{t('pieces')}</th>
              <th className="num">{t('amount')}</th>
            </tr>
          </thead>
          <tbody>
            {denominations.map((d, i) => (
              <tr key={d}>
                <td>{formatYen(d)}</td>
                <td>
                  <input
                    name={`count-${d}`}
                    inputMode="numeric"
                    autoFocus={i === 0}
                    value={pieces[d] ?? ''}
                    onChange={(e) => setPieces({ ...pieces, [d]: e.target.value })}
                  />
                </td>
                <td className="num">{formatYen(d * (count[d] ?? 0))}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="pay-total">
          <span>{t('countedTotal')}</span>
          <strong data-testid="count-total">{formatYen(total)}</strong>
        </div>
        {props.kind !== 'open' && (
          <div className="pay-due">
            <span>
              {t('difference')} ({t('expectedCash')} {formatYen(props.expected)})
            </span>
            <strong data-testid="count-difference">{formatYen(total - props.expected)}</strong>
          </div>
        )}
        {props.kind === 'close' && (
          <label>
            {t('nextFloat')}
            <input
              name="nextFloat"
              inputMode="numeric"
              placeholder={String(total)}
              value={nextFloat}
              onChange={(e) => setNextFloat(e.target.value)}
            />
          </label>
        )}
        <ErrorBanner error={error} />
        <div className="actions">
          <button type="button" onClick={props.onClose} disabled={busy}>
            {t('cancel')}
          </button>
          <button type="submit" className="primary" disabled={busy || !valid} data-testid="count-submit">
            {props.kind === 'open'
              ? t('confirmOpen')
              : props.kind === 'close'
                ? t('confirmClose')
                : t('confirmMiddle')}
          </button>
        </div>
      </form>
    </Modal>
  );
}

function CashMoveDialog(props: { url: string; onClose: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const [direction, setDirection] = useState<'in' | 'out'>('in');
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const key = useRef(newIdempotencyKey());

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await api(props.url, {
        method: 'POST',
        body: { direction, amount: parseYen(amount), reason },
        idempotencyKey: key.current,
      });
      props.onDone();
    } catch (err) {
      if (err instanceof ApiError && !(err instanceof OfflineError)) key.current = newIdempotencyKey();
      setError(describeError(err, t));
      setBusy(false);
    }
  };
  return (
    <Modal title={t('cashMove')} onClose={props.onClose}>
      <form onSubmit={submit}>
        <label>
          {t('direction')}
          <select
            name="direction"
            value={direction}
            onChange={(e) => setDirection(e.target.value as 'in' | 'out')}
          >
            <option value="in">{t('cashIn')}</option>
            <option value="out">{t('cashOut')}</option>
          </select>
        </label>
        <label>
          {t('amount')}
          <input
            name="amount"
            inputMode="numeric"
            required
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
          />
        </label>
        <label>
          {t('reason')}
          <input name="reason" required value={reason} onChange={(e) => setReason(e.target.value)} />
        </label>
        <ErrorBanner error={error} />
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            {t('register_')}
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** 本日の集計: the open session's sales and refunds per payment method (cash and the others). */
function TodaySummary({ figures }: { figures: Figures }) {
  const { t } = useI18n();
  const rows = (kind: 'sale' | 'sale_refund') => figures.salesByMethod.filter((m) => m.kind === kind);
  const sum = (kind: 'sale' | 'sale_refund') => rows(kind).reduce((a, m) => a + m.total, 0);
  return (
    <div className="card" data-testid="today-summary">
      <h2>{t('todaySummary')}</h2>
      <table className="list">
        <thead>
          <tr>
            <th />
            <th className="num">{t('salesByMethod')}</th>
            <th className="num">{t('refundsByMethod')}</th>
          </tr>
        </thead>
        <tbody>
          {[
            ...new Set(figures.salesByMethod.filter((m) => m.kind.startsWith('sale')).map((m) => m.method)),
          ].map((method) => (
            <tr key={method} data-testid={`method-${method}`}>
              <th>{methodLabel(method, t)}</th>
              <td className="num">{formatYen(rows('sale').find((m) => m.method === method)?.total ?? 0)}</td>
              <td className="num">
                {formatYen(rows('sale_refund').find((m) => m.method === method)?.total ?? 0)}
              </td>
            </tr>
          ))}
          <tr className="grand">
            <th>{t('total')}</th>
            <td className="num" data-testid="summary-sales">
              {formatYen(sum('sale'))}
            </td>
            <td className="num" data-testid="summary-refunds">
              {formatYen(sum('sale_refund'))}
            </td>
          </tr>
        </tbody>
      </table>
    </div>
  );
}
