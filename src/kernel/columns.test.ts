import { describe, expect, it } from 'vitest';
import { center, displayWidth, padEnd, padStart, spread, truncate, wrap } from './columns.ts';

describe('fixed-width columns', () => {
  it('counts full-width characters as two columns', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('ピカチュウ')).toBe(10);
    expect(displayWidth('ＰＳＡ１０')).toBe(10);
    expect(displayWidth('ｶﾞﾝﾀﾞﾑ')).toBe(6);
    expect(displayWidth('¥1,100')).toBe(6);
    expect(displayWidth('10%対象')).toBe(7);
  });

  it('never splits a wide character when cutting', () => {
    expect(truncate('リザードンex', 5)).toBe('リザ');
    expect(padEnd('リザードンex', 5)).toBe('リザ ');
  });

  it('pads and spreads to exact widths', () => {
    expect(padStart('¥500', 8)).toBe('    ¥500');
    expect(displayWidth(spread('ピカチュウ ex SAR 美品', '¥12,800', 24))).toBe(24);
    expect(spread('ピカチュウ ex SAR 美品', '¥12,800', 24)).toBe('ピカチュウ ex SA ¥12,800');
    expect(center('領収書', 10)).toBe('  領収書');
  });

  it('wraps Japanese text anywhere within the width', () => {
    expect(wrap('東京都千代田区丸の内一丁目', 10)).toEqual(['東京都千代', '田区丸の内', '一丁目']);
    expect(wrap('', 10)).toEqual(['']);
  });
});
