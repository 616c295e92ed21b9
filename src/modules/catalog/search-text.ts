/**
 * Text normalisation and tokens for catalogue search, the same on SQLite and MySQL/MariaDB.
 *
 * Japanese has no spaces and MariaDB has no ngram parser, so search does not rely on a database
 * full-text engine: each item's searchable text is normalised and cut into overlapping bigrams
 * stored in a token table; a query matches the items that have all of its bigrams (an indexed
 * lookup per bigram, intersected), then the candidates are confirmed with a substring test on the
 * normalised text. Normalisation makes the variants a clerk types meet the catalogue's spelling:
 *   - NFKC: full-width ＡＢＣ１２３ → ABC123, half-width ｶﾀｶﾅ → カタカナ
 *   - case folding: ex = EX
 *   - hiragana → katakana: ぴかちゅう = ピカチュウ (readings are often typed in hiragana)
 *   - long vowel marks and spaces/punctuation dropped: リザードン = リザドン, "SV-P 001" = "svp001"
 */
export function normalizeSearchText(text: string): string {
  return hiraganaToKatakana(text.normalize('NFKC').toLowerCase()).replace(/[\s\p{P}\p{S}ー〜～]/gu, '');
}

/** ぴかちゅう → ピカチュウ (the two blocks are 0x60 apart). */
export function hiraganaToKatakana(text: string): string {
  return text.replace(/[\u3041-\u3096]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0x60));
}

/** Distinct overlapping bigrams of normalised text; a one-character text is its own token. */
export function bigrams(normalized: string): string[] {
  const chars = [...normalized];
  if (chars.length === 0) return [];
  if (chars.length === 1) return [chars[0]!];
  const out = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i]! + chars[i + 1]!);
  return [...out];
}

/** The tokens stored for an item: bigrams of each field, plus single characters for 1-char queries. */
export function itemTokens(fields: (string | null | undefined)[]): string[] {
  const out = new Set<string>();
  for (const field of fields) {
    if (!field) continue;
    const n = normalizeSearchText(field);
    for (const t of bigrams(n)) out.add(t);
    for (const ch of n) out.add(ch);
  }
  return [...out];
}

/** Tokens a query must all match: its bigrams (or the single character of a one-character query). */
export function queryTokens(query: string): string[] {
  return bigrams(normalizeSearchText(query));
}
