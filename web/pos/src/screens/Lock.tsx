import { useState, type FormEvent } from 'react';
import { api } from '../api.ts';
import { ErrorBanner } from '../components.tsx';
import { describeError } from '../errors.ts';
import { useI18n } from '../i18n.tsx';
import type { Me, Store } from '../types.ts';

/**
 * The shared terminal's lock screen: a staff barcode scan (a long signed code) or a typed employee
 * code identifies the clerk who acts until the store's timeout.
 */
export function Lock({ store, onUnlocked }: { store: Store | null; onUnlocked: (me: Me) => void }) {
  const { t } = useI18n();
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const value = code.trim();
    if (!value || busy) return;
    setBusy(true);
    setError(null);
    // Employee codes are short; a printed staff barcode is a long signed token.
    const typed = value.length <= 20 && store?.staffCodeEntry !== 'barcode_only';
    try {
      onUnlocked(
        await api<Me>('/api/v1/auth/staff', {
          method: 'POST',
          body: typed ? { employeeCode: value } : { barcode: value },
        }),
      );
    } catch (err) {
      setError(describeError(err, t));
      setCode('');
      setBusy(false);
    }
  };

  return (
    <div className="center">
      <form className="card lock" onSubmit={submit}>
        <h1>{t('lockTitle')}</h1>
        <p>{t('lockHint')}</p>
        <input
          name="staffCode"
          aria-label={t('staffCode')}
          type="password"
          autoFocus
          autoComplete="off"
          value={code}
          onChange={(e) => setCode(e.target.value)}
        />
        <ErrorBanner error={error} />
        <button type="submit" className="primary" disabled={busy}>
          {t('unlock')}
        </button>
      </form>
    </div>
  );
}
