import { hiraganaToKatakana, normalizeSearchText } from '../catalog/search-text.ts';

/**
 * Customer search, the same on SQLite and MySQL/MariaDB: each customer keeps `search_text`, the
 * normalised name, reading, phone, member number and e-mail one per line (catalogue rules: NFKC,
 * case folded, hiragana as katakana, no spaces, punctuation or long-vowel marks), in a binary
 * collation. Every word of a query must be a substring of it. "やまだ", "ﾔﾏﾀﾞ" and "ヤマダ" all find
 * ヤマダ; "1234" finds 090-1234-5678 (下4桁); "TARO@" finds taro@example.jp.
 */
export interface SearchFields {
  name: string;
  nameKana: string;
  phone: string;
  code: string | null;
  email: string;
}

export function customerSearchText(f: SearchFields): string {
  return [f.name, f.nameKana, f.phone, f.code ?? '', f.email].map(normalizeSearchText).join('\n');
}

/**
 * The LIKE patterns of a query, one per word. Normalisation removes punctuation and symbols, so
 * `%` and `_` never reach the pattern from the query and nothing needs escaping.
 */
export function searchPatterns(q: string): string[] {
  return q
    .split(/\s+/)
    .map(normalizeSearchText)
    .filter((w) => w.length > 0)
    .map((w) => `%${w}%`);
}

/** The reading as a form of フリガナ: NFKC (half-width ｶﾅ → full-width) and hiragana → katakana. */
export function normalizeKana(kana: string): string {
  return hiraganaToKatakana(kana.normalize('NFKC')).trim();
}

/** Full-width digits typed on a Japanese keyboard become ASCII; the separators stay as typed. */
export const normalizePhone = (phone: string) => phone.normalize('NFKC').trim();
