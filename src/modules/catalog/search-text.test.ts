import { describe, expect, it } from 'vitest';
import { bigrams, itemTokens, normalizeSearchText, queryTokens } from './search-text.ts';

describe('normalizeSearchText', () => {
  it.each([
    ['ピカチュウ', 'ぴかちゅう'],
    ['ピカチュウ', 'ﾋﾟｶﾁｭｳ'],
    ['リザードンex', 'リザドン EX'],
    ['SV-P 001/165', 'svp001165'],
    ['ＰＳＡ１０', 'psa10'],
    ['ブラック・マジシャン', 'ブラックマジシャン'],
  ])('makes %s and %s meet', (a, b) => {
    expect(normalizeSearchText(a)).toBe(normalizeSearchText(b));
  });
});

describe('tokens', () => {
  it('cuts normalised text into distinct overlapping bigrams', () => {
    expect(bigrams('ピカチュウ')).toEqual(['ピカ', 'カチ', 'チュ', 'ュウ']);
    expect(bigrams('ああああ')).toEqual(['ああ']);
    expect(bigrams('a')).toEqual(['a']);
    expect(bigrams('')).toEqual([]);
  });

  it('stores single characters too, so a one-character query finds items', () => {
    const tokens = itemTokens(['ピカチュウ', null, 'SV1']);
    expect(tokens).toContain('ピ');
    expect(tokens).toContain('sv');
    expect(queryTokens('ピ').every((t) => tokens.includes(t))).toBe(true);
  });

  it('finds an item by any part of any field, whatever the kana or width typed', () => {
    const tokens = new Set(
      itemTokens(['リザードンex', 'りざーどんえっくす', '黒炎の支配者', '066/108', 'RR']),
    );
    for (const q of ['リザードン', 'ざーど', 'ﾘｻﾞｰﾄﾞﾝ', '黒炎', '066', 'rr']) {
      expect(queryTokens(q).every((t) => tokens.has(t))).toBe(true);
    }
    expect(queryTokens('ピカチュウ').every((t) => tokens.has(t))).toBe(false);
  });
});
