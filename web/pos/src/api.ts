/**
 * The staff API over fetch: the session is the httpOnly cookie, writes echo the readable
 * `regi_csrf` cookie in `x-csrf-token`, and every error answer (RFC 9457 problem+json) becomes an
 * ApiError carrying the server's machine-readable `code`.
 */
export interface FieldError {
  field: string;
  message: string;
  code?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
    readonly errors: FieldError[] = [],
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail);
  }
}

/** Thrown when the request never got an answer (network down, server restarting). */
export class OfflineError extends ApiError {
  constructor(cause: unknown) {
    super(0, 'offline', cause instanceof Error ? cause.message : String(cause));
  }
}

function csrfToken(): string | undefined {
  const m = /(?:^|;\s*)regi_csrf=([^;]*)/.exec(document.cookie);
  return m ? decodeURIComponent(m[1]!) : undefined;
}

type Listener = (e: ApiError) => void;
const listeners = new Set<Listener>();
/** Called for every 401 (sign-in or staff code needed), so the app can show the right screen. */
export function onAuthError(l: Listener): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  idempotencyKey?: string;
  signal?: AbortSignal;
}

export async function api<T>(url: string, opts: RequestOptions = {}): Promise<T> {
  const method = opts.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET') headers['content-type'] = 'application/json';
  if (method !== 'GET') {
    const token = csrfToken();
    if (token) headers['x-csrf-token'] = token;
  }
  if (opts.idempotencyKey) headers['idempotency-key'] = opts.idempotencyKey;
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers,
      body: opts.body === undefined ? (method === 'GET' ? undefined : '{}') : JSON.stringify(opts.body),
      credentials: 'same-origin',
      signal: opts.signal,
    });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new OfflineError(e);
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  if (!res.ok) {
    const p = (body ?? {}) as {
      code?: string;
      detail?: string;
      errors?: FieldError[];
      [k: string]: unknown;
    };
    const { code, detail, errors, ...extra } = p;
    const err = new ApiError(
      res.status,
      code ?? `http_${res.status}`,
      detail ?? res.statusText,
      errors ?? [],
      extra,
    );
    if (res.status === 401) for (const l of listeners) l(err);
    throw err;
  }
  return body as T;
}

/** A random id per payment attempt (works on plain http too, where crypto.randomUUID is absent). */
export function newIdempotencyKey(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export const storeApi = (storeId: number) => `/api/v1/stores/${storeId}`;
