import { useCallback, useEffect, useState } from 'react';

/** The app's pages are plain paths (the server answers index.html for any of them). */
export type Route = '/' | '/register' | '/returns' | '/register-ops' | '/admin';
const routes: Route[] = ['/', '/register', '/returns', '/register-ops', '/admin'];

const current = (): Route => {
  const p = window.location.pathname.replace(/\/+$/, '') || '/';
  return (routes as string[]).includes(p) ? (p as Route) : '/';
};

export function useRoute(): [Route, (r: Route) => void] {
  const [route, setRoute] = useState<Route>(current);
  useEffect(() => {
    const onPop = () => setRoute(current());
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const go = useCallback((r: Route) => {
    if (r !== current()) window.history.pushState(null, '', r);
    setRoute(r);
  }, []);
  return [route, go];
}
