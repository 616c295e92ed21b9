import { ApiError } from './api.ts';
import { isMessageKey, type MessageKey, type Translate } from './i18n.tsx';

/**
 * An error in words a clerk understands, in the UI language: the server's `code` (or a field
 * error's code, e.g. `tendered_too_little`) picks the sentence; extras such as the product name of
 * `out_of_stock`, or the permissions of `policy_escalation`, fill it in. Unknown codes still say which one, for the support call.
 */
export function describeError(e: unknown, t: Translate): string {
  if (!(e instanceof ApiError)) return t('err_unknown', { code: e instanceof Error ? e.message : String(e) });
  for (const f of e.errors) {
    // `unknown` is a field's "no such product", not the catch-all message of the same name.
    const key = f.code === 'unknown' ? 'err_unknown_product' : `err_${f.code ?? ''}`;
    if (f.code && isMessageKey(key)) return t(key);
  }
  const key = `err_${e.code}`;
  if (isMessageKey(key)) {
    const name = Array.isArray(e.extra.policies)
      ? e.extra.policies
          .map((p) =>
            isMessageKey(`policy.${String(p)}`) ? t(`policy.${String(p)}` as MessageKey) : String(p),
          )
          .join('、')
      : typeof e.extra.name === 'string'
        ? e.extra.name
        : String(e.extra.productId ?? '');
    return t(key, { name });
  }
  return t('err_unknown', { code: e.code });
}
