import { randomFillSync } from 'node:crypto';

/*
 * UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, a 12-bit counter (method 1: ids made in the
 * same millisecond still sort in the order they were made), then 62 random bits. Every event
 * gets one, several per sale; the random bytes come from a pool filled 400 ids at a time, where
 * a call to the system's generator per id cost more than the rest of building the event.
 */

const pool = Buffer.allocUnsafe(10 * 400);
let used = pool.length;
let lastMs = -1;
let counter = 0;
const hex = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const bytes = new Uint8Array(16);

/** Ten fresh random bytes: two seed the counter, eight fill the random part. */
function random10(): Buffer {
  if (used + 10 > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  used += 10;
  return pool.subarray(used - 10, used);
}

export function uuidv7(now: number = Date.now()): string {
  const r = random10();
  if (now > lastMs) {
    lastMs = now;
    // A random start below 2^11 leaves room to count up within the millisecond.
    counter = ((r[0]! << 8) | r[1]!) & 0x7ff;
  } else if (++counter > 0xfff) {
    // 4,096 ids in one millisecond: borrow the next one (the clock catches up).
    lastMs++;
    counter = 0;
  }
  let ms = lastMs;
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes[6] = 0x70 | (counter >> 8);
  bytes[7] = counter & 0xff;
  bytes[8] = 0x80 | (r[2]! & 0x3f);
  for (let i = 9; i < 16; i++) bytes[i] = r[i - 6]!;
  let s = '';
  for (let i = 0; i < 16; i++) {
    s += hex[bytes[i]!];
    if (i === 3 || i === 5 || i === 7 || i === 9) s += '-';
  }
  return s;
}
