import { useEffect, useRef, useState, type ReactNode } from 'react';
import { describeError } from './errors.ts';
import { useI18n } from './i18n.tsx';

/**
 * Runs one request of a screen at a time: while it runs `busy` is set (buttons disable themselves
 * with it), the last error and notice are cleared, and a refusal is shown in words in `error`.
 */
export function useAction() {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const run = async (f: () => Promise<void>) => {
    if (busy) return;
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      await f();
    } catch (e) {
      setError(describeError(e, t));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, notice, setNotice, run };
}

export function ErrorBanner({ error }: { error: string | null }) {
  if (!error) return null;
  return (
    <div className="error" role="alert">
      {error}
    </div>
  );
}

export function Notice({ text }: { text: string | null }) {
  if (!text) return null;
  return (
    <div className="notice" role="status">
      {text}
    </div>
  );
}

/** A dialog over the screen; Escape closes it. Focus goes to its first field. */
export function Modal(props: { title: string; onClose: () => void; children: ReactNode; wide?: boolean }) {
  const ref = useRef<HTMLDivElement>(null);
  const { onClose } = props;
  useEffect(() => {
    // A field with autoFocus has taken the focus already; else the first field gets it.
    // Nothing to focus yet (a list still loading): the dialog itself, so keys never reach the screen behind.
    if (!ref.current?.contains(document.activeElement))
      (ref.current?.querySelector<HTMLElement>('input, select, button') ?? ref.current)?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        onClose();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  return (
    <div className="backdrop">
      <div
        className={props.wide ? 'modal wide' : 'modal'}
        role="dialog"
        aria-modal="true"
        aria-label={props.title}
        tabIndex={-1}
        ref={ref}
      >
        <h2>{props.title}</h2>
        {props.children}
      </div>
    </div>
  );
}

/** A printable document served by the API (receipt, settlement), shown in a frame with a print button. */
export function DocumentView(props: { src: string; title: string; testId?: string }) {
  const { t } = useI18n();
  const frame = useRef<HTMLIFrameElement>(null);
  return (
    <div className="document">
      <iframe ref={frame} src={props.src} title={props.title} data-testid={props.testId} />
      <button type="button" onClick={() => frame.current?.contentWindow?.print()}>
        {t('print')}
      </button>
    </div>
  );
}

/** A dialog's own keys (digits to pick, arrows), wherever the focus is inside it. */
export function useDialogKeys(handler: (e: KeyboardEvent) => void) {
  const latest = useRef(handler);
  useEffect(() => {
    latest.current = handler;
  });
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => latest.current(e);
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

/** Whole yen from a text field; empty is 0, anything else not a number is NaN. */
export const parseYen = (s: string) => (s.trim() === '' ? 0 : Number(s.replace(/[,¥\s]/g, '')));

/** A page of a list endpoint: its rows and where the next page starts (null: the last page). */
export interface ListPage<T, C> {
  items: T[];
  nextCursor?: C | null;
  nextBefore?: C | null;
}

/**
 * A list read page by page: the first page when the screen opens and whenever `deps` change (a
 * store, a filter), `reload()` after a search, `more()` for the next page. `rows` is null until the
 * first page has arrived; a failed read leaves the rows and says why in `error`.
 */
export function usePagedList<T, C = number>(
  fetchPage: (after: C | null) => Promise<ListPage<T, C>>,
  deps: unknown[],
) {
  const { t } = useI18n();
  const [rows, setRows] = useState<T[] | null>(null);
  const [next, setNext] = useState<C | null>(null);
  const [error, setError] = useState<string | null>(null);
  // A new closure each render: it reads the screen's current search and filters.
  const load = (after: C | null) =>
    fetchPage(after).then(
      (page) => {
        setRows((old) => (after === null ? page.items : [...(old ?? []), ...page.items]));
        setNext(page.nextCursor ?? page.nextBefore ?? null);
        setError(null);
      },
      (e) => setError(describeError(e, t)),
    );
  useEffect(() => {
    void load(null);
  }, deps); // eslint-disable-line react-hooks/exhaustive-deps
  return {
    rows,
    error,
    hasMore: next !== null,
    reload: () => load(null),
    more: () => (next === null ? Promise.resolve() : load(next)),
  };
}
