import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chunkReady } from '../src/modules/tasks/events.ts';
import { toDbTime } from '../src/kernel/time.ts';
import { openDatabase } from '../src/platform/db/connect.ts';
import { spawnRegi } from './support/process.ts';

const lines = (s: string) =>
  s
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('regi dlq on the sql bus', () => {
  it('lists, shows and redrives dead letters, and refuses an unknown queue', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'regi-dlq-'));
    const env = { REGI_DATA_DIR: dir, LOG_LEVEL: 'silent' };
    expect(await spawnRegi(['migrate'], env).exited).toBe(0);
    const handle = openDatabase(`sqlite:${path.join(dir, 'regi.db')}`);
    const event = chunkReady.build({
      corporationId: 1,
      storeId: 1,
      key: 'task:1:0',
      data: { taskId: 1, chunk: 0, first: 0, items: [1] },
    });
    const now = toDbTime(new Date());
    await handle.db
      .insertInto('bus_message')
      .values({
        queue: 'worker-item-dlq',
        event_id: event.id,
        group_key: event.key,
        type: event.type,
        body: JSON.stringify(event),
        receive_count: 5,
        visible_at: now,
        receipt: null,
        source_queue: 'worker-item',
        last_error: 'boom',
        created_at: now,
      })
      .execute();
    await handle.close();

    const ls = spawnRegi(['dlq', 'ls'], env);
    expect(await ls.exited).toBe(0);
    expect(lines(ls.stdout()).find((q) => q.queue === 'worker-item')).toEqual({
      queue: 'worker-item',
      depth: 0,
      inFlight: 0,
      deadLetters: 1,
    });

    const show = spawnRegi(['dlq', 'show', 'worker-item'], env);
    expect(await show.exited).toBe(0);
    expect(lines(show.stdout())).toMatchObject([
      { eventId: event.id, type: 'tasks.chunk_ready', lastError: 'boom', receiveCount: 5 },
    ]);

    const redrive = spawnRegi(['dlq', 'redrive', 'worker-item'], env);
    expect(await redrive.exited).toBe(0);
    expect(lines(redrive.stdout())).toEqual([{ queue: 'worker-item', redriven: 1 }]);

    const unknown = spawnRegi(['dlq', 'show', 'worker-nope'], env);
    expect(await unknown.exited).toBe(2);
    expect(unknown.stderr()).toContain('unknown queue "worker-nope"');
    expect(unknown.stderr()).toContain('worker-item');
  }, 180_000);
});
