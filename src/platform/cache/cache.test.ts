import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Cache } from './cache.ts';
import { MemoryCache } from './memory.ts';
import { ValkeyCache } from './valkey.ts';

const kinds = inject('valkeyUrl') ? (['memory', 'valkey'] as const) : (['memory'] as const);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(kinds)('%s cache', (kind) => {
  let cache: Cache;
  // A prefix per run keeps parallel test runs on one Redis apart.
  const ns = `t${Date.now()}${Math.random().toString(36).slice(2)}:`;
  beforeAll(() => {
    cache = kind === 'memory' ? new MemoryCache() : new ValkeyCache(inject('valkeyUrl'), `regi-test:${ns}`);
  });
  afterAll(() => cache.close());

  it('stores, reads and deletes a value', async () => {
    await cache.set('k', 'v');
    expect(await cache.get('k')).toBe('v');
    await cache.del('k');
    expect(await cache.get('k')).toBeNull();
  });

  it('forgets a value after its time to live', async () => {
    await cache.set('ttl', 'v', 80);
    expect(await cache.get('ttl')).toBe('v');
    await sleep(150);
    expect(await cache.get('ttl')).toBeNull();
  });

  it('counts within a window that starts at the first increment', async () => {
    expect(await cache.incr('n', 150)).toBe(1);
    expect(await cache.incr('n', 150)).toBe(2);
    await sleep(80);
    expect(await cache.incr('n', 150)).toBe(3);
    await sleep(120);
    expect(await cache.incr('n', 150)).toBe(1);
  });

  it('delivers published messages to subscribers until they unsubscribe', async () => {
    const got: string[] = [];
    const unsubscribe = await cache.subscribe('progress', (m) => got.push(m));
    await cache.publish('progress', 'a');
    await cache.publish('progress', 'b');
    await expect.poll(() => got, { timeout: 2000 }).toEqual(['a', 'b']);
    await unsubscribe();
    await cache.publish('progress', 'c');
    await sleep(50);
    expect(got).toEqual(['a', 'b']);
  });

  it('answers ping', async () => {
    await expect(cache.ping()).resolves.toBeUndefined();
  });
});
