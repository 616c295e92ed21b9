import { useState, type FormEvent } from 'react';
import { api, storeApi } from '../api.ts';
import { ErrorBanner, Modal, Notice, useAction, usePagedList, type ListPage } from '../components.tsx';
import { formatTime, useI18n } from '../i18n.tsx';
import type { StockDocument, StockSlip } from '../types.ts';

const kinds = ['stocking', 'loss', 'adjustment', 'count'] as const;
const statuses = ['planned', 'open', 'review', 'final', 'reversed', 'cancelled'] as const;

/**
 * 伝票一覧: the store's stocking, loss, adjustment and count slips, newest first, filtered by kind
 * and status. A planned stocking can be cancelled and a received one reversed (its units leave
 * stock again through a compensating slip) by an account holding `stock.stocking`.
 */
export function StockSlips({ storeId, canStock }: { storeId: number; canStock: boolean }) {
  const { t } = useI18n();
  const base = storeApi(storeId);
  const [kind, setKind] = useState('');
  const [status, setStatus] = useState('');
  const { busy, error, notice, setNotice, run: act } = useAction();
  const [reversing, setReversing] = useState<StockSlip | null>(null);
  const [reason, setReason] = useState('');

  const list = usePagedList<StockSlip>(
    (after) => {
      const params = new URLSearchParams({ limit: '50' });
      if (kind) params.set('kind', kind);
      if (status) params.set('status', status);
      if (after !== null) params.set('before', String(after));
      return api<ListPage<StockSlip, number>>(`${base}/stock-documents?${params}`);
    },
    [storeId, kind, status],
  );
  const rows = list.rows;

  // Every action changes the list: read it again afterwards.
  const run = (f: () => Promise<void>) =>
    act(async () => {
      await f();
      await list.reload();
    });
  const cancel = (d: StockSlip) =>
    void run(async () => {
      await api<StockDocument>(`${base}/stockings/${d.id}/cancel`, { method: 'POST' });
      setNotice(t('stockingCancelled', { name: d.id }));
    });
  const reverse = (e: FormEvent) => {
    e.preventDefault();
    const d = reversing!;
    void run(async () => {
      await api<StockDocument>(`${base}/stockings/${d.id}/reverse`, { method: 'POST', body: { reason } });
      setReversing(null);
      setNotice(t('stockingReversed', { name: d.id }));
    });
  };

  const kindLabel = (d: StockSlip) =>
    d.reversesId !== null ? t('docKind_reversal') : t(`docKind_${d.kind}`);
  const statusLabel = (d: StockSlip) =>
    // 入荷済み only for a stocking that brought units in; a loss, count or reversal is just final.
    (d.kind !== 'stocking' || d.reversesId !== null) && d.status === 'final'
      ? t('slipFinal')
      : t(`docStatus_${d.status}`);

  return (
    <div data-testid="slips">
      <div className="inline">
        <select name="kind" aria-label={t('kind')} value={kind} onChange={(e) => setKind(e.target.value)}>
          <option value="">{t('allKinds')}</option>
          {kinds.map((k) => (
            <option key={k} value={k}>
              {t(`docKind_${k}`)}
            </option>
          ))}
        </select>
        <select
          name="status"
          aria-label={t('status')}
          value={status}
          onChange={(e) => setStatus(e.target.value)}
        >
          <option value="">{t('allStatuses')}</option>
          {statuses.map((s) => (
            <option key={s} value={s}>
              {t(`docStatus_${s}`)}
            </option>
          ))}
        </select>
      </div>
      <ErrorBanner error={list.error ?? error} />
      <Notice text={notice} />
      <table className="list" data-testid="slip-list">
        <thead>
          <tr>
            <th>{t('slipNumber')}</th>
            <th>{t('date')}</th>
            <th>{t('kind')}</th>
            <th>{t('status')}</th>
            <th>{t('slipNote')}</th>
            <th className="num">{t('lines')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(rows ?? []).map((d) => (
            <tr key={d.id} data-testid={`slip-${d.id}`}>
              <td>#{d.id}</td>
              <td>{formatTime(d.finalizedAt ?? d.createdAt)}</td>
              <td>{kindLabel(d)}</td>
              <td data-testid={`slip-status-${d.id}`}>{statusLabel(d)}</td>
              <td>
                {[
                  d.supplier,
                  d.reason,
                  d.reversesId !== null ? t('reversesSlip', { name: d.reversesId }) : '',
                ]
                  .filter(Boolean)
                  .join(' / ')}
              </td>
              <td className="num">{d.lineCount}</td>
              <td>
                {canStock && d.kind === 'stocking' && d.status === 'planned' && (
                  <button
                    type="button"
                    disabled={busy}
                    onClick={() => cancel(d)}
                    data-testid={`cancel-${d.id}`}
                  >
                    {t('cancelStocking')}
                  </button>
                )}
                {canStock && d.kind === 'stocking' && d.status === 'final' && d.reversesId === null && (
                  <button
                    type="button"
                    className="danger"
                    disabled={busy}
                    onClick={() => {
                      setReason(t('defaultReverseReason'));
                      setReversing(d);
                    }}
                    data-testid={`reverse-${d.id}`}
                  >
                    {t('reverseStocking')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows && rows.length === 0 && <p className="empty">{t('noSlips')}</p>}
      {list.hasMore && (
        <button type="button" onClick={() => void list.more()}>
          {t('loadMore')}
        </button>
      )}
      {reversing && (
        <Modal title={`${t('reverseStocking')}: #${reversing.id}`} onClose={() => setReversing(null)}>
          <form className="stack" onSubmit={reverse} data-testid="reverse-form">
            <p>{t('confirmReverse', { name: reversing.id })}</p>
            <ErrorBanner error={error} />
            <label>
              {t('reverseReason')}
              <input
                name="reason"
                autoFocus
                required
                value={reason}
                onChange={(e) => setReason(e.target.value)}
              />
            </label>
            <div className="actions">
              <button type="button" onClick={() => setReversing(null)}>
                {t('close')}
              </button>
              <button type="submit" className="primary" disabled={busy} data-testid="reverse-confirm">
                {t('reverseStocking')}
              </button>
            </div>
          </form>
        </Modal>
      )}
    </div>
  );
}
