import type { Locale } from './tables.ts';

/**
 * Message templates per kind, in Japanese (default) and English. A template turns the stored
 * parameters into a subject and a plain-text body; modules add their kinds here.
 */
export interface Rendered {
  subject: string;
  body: string;
}

type Params = Record<string, unknown>;
type Template = Record<Locale, (p: Params) => Rendered>;

const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));

export const templates: Record<string, Template> = {
  'system.test': {
    ja: (p) => ({ subject: 'regi テスト通知', body: `これは regi からのテスト通知です。${str(p.note)}` }),
    en: (p) => ({
      subject: 'regi test notification',
      body: `This is a test notification from regi. ${str(p.note)}`,
    }),
  },
  'consistency.findings': {
    ja: (p) => ({
      subject: `【regi】整合性チェックで重大な問題が ${str(p.critical)} 件見つかりました`,
      body: `整合性チェック (${str(p.ranAt)}) の結果:\n${str(p.summary)}\n\n詳細は管理画面の「整合性レポート」を確認してください。`,
    }),
    en: (p) => ({
      subject: `[regi] The consistency check found ${str(p.critical)} critical problem(s)`,
      body: `Consistency check (${str(p.ranAt)}):\n${str(p.summary)}\n\nSee "Consistency reports" in the back office for details.`,
    }),
  },
  'sales.receipt': {
    ja: (p) => ({
      subject: `【${str(p.storeName)}】レシート No.${str(p.number)}`,
      body: `${str(p.storeName)} をご利用いただきありがとうございます。\nレシートをお送りします。\n\n${str(p.receipt)}`,
    }),
    en: (p) => ({
      subject: `[${str(p.storeName)}] Receipt No.${str(p.number)}`,
      body: `Thank you for shopping at ${str(p.storeName)}. Your receipt:\n\n${str(p.receipt)}`,
    }),
  },
};

export class UnknownTemplateError extends Error {}

export function render(kind: string, locale: Locale, params: Params): Rendered {
  const t = templates[kind];
  if (!t) throw new UnknownTemplateError(`no template for notification kind "${kind}"`);
  return t[locale](params);
}
