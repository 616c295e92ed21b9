import { useState, type FormEvent } from 'react';
import { api } from '../api.ts';
import { ErrorBanner } from '../components.tsx';
import { describeError } from '../errors.ts';
import { useI18n } from '../i18n.tsx';
import type { Me, StoreSummary } from '../types.ts';

export function SignIn({ onSignedIn }: { onSignedIn: (me: Me, stores: StoreSummary[]) => void }) {
  const { t, toggle } = useI18n();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const r = await api<Me & { stores: StoreSummary[] }>('/api/v1/auth/login', {
        method: 'POST',
        body: { email, password },
      });
      onSignedIn(r, r.stores);
    } catch (err) {
      setError(describeError(err, t));
      setBusy(false);
    }
  };

  return (
    <div className="center">
      <form className="card signin" onSubmit={submit}>
        <h1>{t('appName')}</h1>
        <label>
          {t('email')}
          <input
            name="email"
            type="email"
            autoComplete="username"
            autoFocus
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
        <label>
          {t('password')}
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        <ErrorBanner error={error} />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('signingIn') : t('signIn')}
        </button>
        <button type="button" className="link" onClick={toggle}>
          {t('language')}
        </button>
      </form>
    </div>
  );
}
