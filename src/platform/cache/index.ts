import type { Cache } from './cache.ts';
import { MemoryCache } from './memory.ts';
import { ValkeyCache } from './valkey.ts';

export type { Cache, Unsubscribe } from './cache.ts';

export function openCache(valkeyUrl: string | undefined): Cache {
  return valkeyUrl ? new ValkeyCache(valkeyUrl) : new MemoryCache();
}
