import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chunkReady } from '../src/modules/tasks/events.ts';
import { toDbTime } from '../src/kernel/time.ts';
import { openDatabase } from '../src/platform/db/connect.ts';
import { provisionBus } from '../src/platform/bus/provision.ts';
import { createSqsBus } from '../src/platform/bus/sqs-bus.ts';
import { queueNameOfUrl } from '../src/platform/bus/sqs-names.ts';
import { topology } from '../src/platform/bus/topology.ts';
import { REGION, useEmulator } from './support/bus.ts';
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

describe('regi dlq on SNS/SQS with queues named by Copilot', () => {
  const emu = useEmulator();

  it("finds worker-item's CloudFormation-named queue and DLQ from COPILOT_APPLICATION_NAME/COPILOT_ENVIRONMENT_NAME", async () => {
    const copilot = { app: 'pos', env: `cli${process.pid}` };
    const made = await provisionBus(topology, {
      region: REGION,
      endpoint: emu.endpoint,
      prefix: '',
      copilot,
    });
    const queueUrl = made.queueUrls['worker-item']!;
    expect(queueNameOfUrl(queueUrl)).toMatch(
      new RegExp(`^pos-cli${process.pid}-worker-item-EventsQueue-\\w+\\.fifo$`),
    );

    // A poison chunk, as the relay (topic ARNs) and worker-item (its queue URL) see it in AWS.
    const relay = createSqsBus(topology, {
      region: REGION,
      endpoint: emu.endpoint,
      prefix: '',
      topicArns: made.topicArns,
    });
    const worker = createSqsBus(topology, {
      region: REGION,
      endpoint: emu.endpoint,
      prefix: '',
      ownQueue: { worker: 'worker-item', url: queueUrl },
    });
    const event = chunkReady.build({
      corporationId: 1,
      storeId: 1,
      key: 'task:1:0',
      data: { taskId: 1, chunk: 0, first: 0, items: [1] },
    });
    await relay.publish([{ topic: 'tasks', envelope: event }]);
    for (let i = 0; i < 5; i++) {
      const [got] = await worker.receive('worker-item', { max: 1, waitMs: 2000 });
      await worker.retryLater('worker-item', got!, 0, 'boom');
    }
    expect(await worker.receive('worker-item', { max: 1, waitMs: 0 })).toEqual([]);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'regi-dlq-sqs-'));
    const env = {
      REGI_DATA_DIR: dir,
      LOG_LEVEL: 'silent',
      BUS: 'sqs',
      AWS_ENDPOINT_URL: emu.endpoint,
      AWS_REGION: REGION,
      COPILOT_APPLICATION_NAME: copilot.app,
      COPILOT_ENVIRONMENT_NAME: copilot.env,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    try {
      const ls = spawnRegi(['dlq', 'ls'], env);
      expect(await ls.exited, ls.stderr()).toBe(0);
      expect(lines(ls.stdout()).find((q) => q.queue === 'worker-item')).toEqual({
        queue: 'worker-item',
        depth: 0,
        inFlight: 0,
        deadLetters: 1,
      });
      const show = spawnRegi(['dlq', 'show', 'worker-item'], env);
      expect(await show.exited, show.stderr()).toBe(0);
      expect(lines(show.stdout())).toMatchObject([{ eventId: event.id, type: 'tasks.chunk_ready' }]);
      const redrive = spawnRegi(['dlq', 'redrive', 'worker-item'], env);
      expect(await redrive.exited, redrive.stderr()).toBe(0);
      expect(lines(redrive.stdout())).toEqual([{ queue: 'worker-item', redriven: 1 }]);
      const [back] = await worker.receive('worker-item', { max: 1, waitMs: 2000 });
      expect(back?.envelope.id).toBe(event.id);

      // In AWS (no emulator endpoint) provisioning Copilot's resources is refused: Copilot owns them.
      const provision = spawnRegi(['bus', 'provision'], { ...env, AWS_ENDPOINT_URL: '' });
      expect(await provision.exited).toBe(2);
      expect(provision.stderr()).toContain('Copilot creates these resources in AWS');
    } finally {
      await relay.close();
      await worker.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
