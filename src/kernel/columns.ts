import { eastAsianWidth } from 'get-east-asian-width';

/**
 * Fixed-width text layout for receipt printers: a full-width character (漢字, かな, ＡＢＣ) takes two
 * columns, a half-width one (ASCII, ｶﾅ) one. Ambiguous characters count as one, as thermal printers
 * in Japanese mode print them.
 */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    // Combining marks and zero-width joiners take no column of their own.
    if ((cp >= 0x300 && cp <= 0x36f) || cp === 0x200d || (cp >= 0xfe00 && cp <= 0xfe0f)) continue;
    width += eastAsianWidth(cp);
  }
  return width;
}

/** Cuts `text` to at most `width` columns without splitting a wide character. */
export function truncate(text: string, width: number): string {
  let out = '';
  let used = 0;
  for (const ch of text) {
    const w = displayWidth(ch);
    if (used + w > width) break;
    out += ch;
    used += w;
  }
  return out;
}

export function padEnd(text: string, width: number): string {
  const t = truncate(text, width);
  return t + ' '.repeat(width - displayWidth(t));
}

export function padStart(text: string, width: number): string {
  const t = truncate(text, width);
  return ' '.repeat(width - displayWidth(t)) + t;
}

export function center(text: string, width: number): string {
  const t = truncate(text, width);
  const left = Math.floor((width - displayWidth(t)) / 2);
  return ' '.repeat(left) + t;
}

/** `left` and `right` on one line of `width` columns; `left` is cut when both do not fit. */
export function spread(left: string, right: string, width: number): string {
  const rightW = displayWidth(right);
  const room = width - rightW - 1;
  if (room <= 0) return padStart(right, width);
  return padEnd(left, room) + ' ' + right;
}

/** Wraps text into lines of at most `width` columns (breaking anywhere: Japanese has no spaces). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  let used = 0;
  for (const ch of text) {
    const w = displayWidth(ch);
    if (used + w > width) {
      lines.push(line);
      line = '';
      used = 0;
    }
    line += ch;
    used += w;
  }
  if (line || lines.length === 0) lines.push(line);
  return lines;
}
