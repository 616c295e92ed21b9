import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, onAuthError, storeApi } from './api.ts';
import { useI18n } from './i18n.tsx';
import { useRoute } from './router.ts';
import { BackOffice } from './screens/BackOffice.tsx';
import { Lock } from './screens/Lock.tsx';
import { ModeSelect } from './screens/ModeSelect.tsx';
import { RegisterOps } from './screens/RegisterOps.tsx';
import { RegisterScreen } from './screens/Register.tsx';
import { Returns } from './screens/Returns.tsx';
import { SignIn } from './screens/SignIn.tsx';
import type { Me, Store, StoreSummary } from './types.ts';

/** What every signed-in screen gets: who, where, and how to move on. */
export interface Session {
  me: Me;
  store: Store;
  register: { id: number; name: string };
  setMe(me: Me): void;
}

type Phase = { kind: 'loading' } | { kind: 'signed-out' } | { kind: 'signed-in'; me: Me };

export function App() {
  const { t, toggle } = useI18n();
  const [phase, setPhase] = useState<Phase>({ kind: 'loading' });
  const [stores, setStores] = useState<StoreSummary[]>([]);
  const [loadedStore, setStore] = useState<Store | null>(null);
  const [route, go] = useRoute();

  const setMe = useCallback((me: Me) => setPhase({ kind: 'signed-in', me }), []);

  useEffect(() => {
    api<Me>('/api/v1/me')
      .then(setMe)
      .catch(() => setPhase({ kind: 'signed-out' }));
  }, [setMe]);

  // A 401 anywhere: the session ended (sign in again) or the acting clerk timed out (lock screen).
  useEffect(
    () =>
      onAuthError((e) => {
        if (e.code === 'staff_code_required')
          setPhase((p) =>
            p.kind === 'signed-in' ? { kind: 'signed-in', me: { ...p.me, actingStaff: null } } : p,
          );
        else if (e.code === 'unauthenticated') setPhase({ kind: 'signed-out' });
      }),
    [],
  );

  const me = phase.kind === 'signed-in' ? phase.me : null;
  const storeId = me?.mode === 'sales' ? me.storeId : null;

  useEffect(() => {
    if (!me) return;
    api<{ items: StoreSummary[] }>('/api/v1/stores').then(
      (r) => setStores(r.items),
      () => {},
    );
  }, [me?.account.id]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    if (storeId !== null) api<Store>(storeApi(storeId)).then(setStore, () => setStore(null));
  }, [storeId]);

  const store = storeId !== null && loadedStore?.id === storeId ? loadedStore : null;
  const locked = !!me && me.mode === 'sales' && me.staffCodeRequired && !me.actingStaff;
  useIdleLock(me && me.mode === 'sales' && me.staffCodeRequired && !locked ? store : null, setMe);

  const signOut = async () => {
    await api('/api/v1/auth/logout', { method: 'POST' }).catch(() => {});
    setPhase({ kind: 'signed-out' });
    go('/');
  };
  const lockNow = async () => {
    try {
      setMe(await api<Me>('/api/v1/auth/staff', { method: 'DELETE' }));
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
    }
  };
  const changeMode = () => {
    if (me) setMe({ ...me, mode: 'none' });
    go('/');
  };

  if (phase.kind === 'loading') return <div className="center">…</div>;
  if (phase.kind === 'signed-out' || !me)
    return (
      <SignIn
        onSignedIn={(m, s) => {
          setStores(s);
          setMe({ ...m, mode: 'none' });
          go('/');
        }}
      />
    );

  const storeSummary = stores.find((s) => s.id === me.storeId);
  const registerName =
    storeSummary?.registers.find((r) => r.id === me.registerId)?.name ?? `#${me.registerId ?? ''}`;

  const header = (
    <header className="topbar">
      <strong>{t('appName')}</strong>
      {me.mode === 'sales' && (
        <span data-testid="where">
          {storeSummary?.name ?? ''} / {registerName}
        </span>
      )}
      <span className="who">{me.account.displayName}</span>
      <span className="spacer" />
      {me.mode === 'sales' && me.staffCodeRequired && !locked && (
        <button type="button" onClick={lockNow}>
          {t('lock')}
        </button>
      )}
      <button type="button" onClick={changeMode}>
        {t('changeMode')}
      </button>
      <button type="button" onClick={toggle} data-testid="lang">
        {t('language')}
      </button>
      <button type="button" onClick={signOut}>
        {t('signOut')}
      </button>
    </header>
  );

  if (me.mode === 'none')
    return (
      <>
        {header}
        <ModeSelect
          me={me}
          stores={stores}
          onChosen={(m) => {
            setMe(m);
            go(m.mode === 'admin' ? '/admin' : '/register');
          }}
        />
      </>
    );

  if (locked)
    return (
      <>
        {header}
        <Lock store={store} onUnlocked={setMe} />
      </>
    );

  if (me.mode === 'admin')
    return (
      <>
        {header}
        <BackOffice me={me} stores={stores} />
      </>
    );

  if (!store || me.registerId === null) return <div className="center">…</div>;
  const session: Session = { me, store, register: { id: me.registerId, name: registerName }, setMe };
  return (
    <>
      {header}
      {route === '/returns' ? (
        <Returns session={session} go={go} />
      ) : route === '/register-ops' ? (
        <RegisterOps session={session} go={go} />
      ) : (
        <RegisterScreen session={session} go={go} />
      )}
    </>
  );
}

/**
 * The shared terminal locks itself after the store's staff-code timeout without a key press or
 * touch: the acting clerk is dropped on the server too, so the next clerk must identify.
 */
function useIdleLock(store: Store | null, setMe: (me: Me) => void) {
  useEffect(() => {
    if (!store) return;
    const ms = store.staffCodeTimeoutMinutes * 60_000;
    let timer = window.setTimeout(fire, ms);
    function fire() {
      api<Me>('/api/v1/auth/staff', { method: 'DELETE' }).then(setMe, () => {});
    }
    const reset = () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(fire, ms);
    };
    window.addEventListener('keydown', reset, true);
    window.addEventListener('pointerdown', reset, true);
    return () => {
      window.clearTimeout(timer);
      window.removeEventListener('keydown', reset, true);
      window.removeEventListener('pointerdown', reset, true);
    };
  }, [store, setMe]);
}
