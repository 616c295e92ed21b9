import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { uuidv7 } from './uuid.ts';

describe('uuidv7', () => {
  it('makes RFC 9562 version-7 ids that carry the time and sort in the order they were made', () => {
    const at = Date.UTC(2026, 10, 28, 12, 0, 0, 123);
    const ids = Array.from({ length: 10_000 }, () => uuidv7(at));
    for (const id of ids.slice(0, 50)) expect(z.uuid().safeParse(id).success).toBe(true);
    expect(ids[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(ids[0]!.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
    // 10,000 in one millisecond overflow the counter: later ids borrow the next milliseconds.
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    const later = uuidv7(at + 60_000);
    expect(later > ids.at(-1)!).toBe(true);
    expect(parseInt(later.replace(/-/g, '').slice(0, 12), 16)).toBe(at + 60_000);
  });
});
