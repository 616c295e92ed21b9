import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { headerAuthenticator } from '../../../test/support/auth.ts';
import { REGION, useEmulator } from '../../../test/support/bus.ts';
import { createHttpServer } from '../http/server.ts';
import type { Bus } from './bus.ts';
import { buildTopology } from './build-topology.ts';
import { defineEvent } from './events.ts';
import { onEvent } from './handler.ts';
import { operationsRoutes } from './operations-routes.ts';
import { provisionBus } from './provision.ts';
import { awsClientConfig, createSqsBus } from './sqs-bus.ts';
import { queueNameOfUrl } from './sqs-names.ts';

const noted = defineEvent('probe.noted', 1, z.object({}));
const handler = onEvent('probe.note', noted, async () => {});
const topology = buildTopology([noted], { 'worker-item': [handler], 'worker-notification': [handler] });

/** Queues named and tagged the way Copilot's CloudFormation makes them, on the emulator. */
describe('the sqs bus with Copilot-named resources', () => {
  const emu = useEmulator();
  let n = 0;
  const copilotEnv = () => ({ app: 'pos', env: `t${process.pid}x${++n}` });
  const buses: Bus[] = [];
  const bus = (o: Partial<Parameters<typeof createSqsBus>[1]>) => {
    const b = createSqsBus(topology, { region: REGION, endpoint: emu.endpoint, prefix: 'unused-', ...o });
    buses.push(b);
    return b;
  };
  afterAll(async () => {
    for (const b of buses) await b.close();
  });

  it('publishes by the injected topic ARNs, consumes by the injected queue URL, and the operations side finds every queue and DLQ by listing', async () => {
    const copilot = copilotEnv();
    const made = await provisionBus(topology, {
      region: REGION,
      endpoint: emu.endpoint,
      prefix: '',
      copilot,
    });
    expect(made.topics).toEqual([`pos-${copilot.env}-backend-outbox-probe.fifo`]);
    for (const worker of ['worker-item', 'worker-notification'])
      expect(queueNameOfUrl(made.queueUrls[worker]!)).toMatch(
        new RegExp(`^pos-${copilot.env}-${worker}-EventsQueue-[A-Z0-9]{12}\\.fifo$`),
      );
    // Provisioning again finds the queues instead of making a second random-named set.
    const again = await provisionBus(topology, {
      region: REGION,
      endpoint: emu.endpoint,
      prefix: '',
      copilot,
    });
    expect(again.queueUrls).toEqual(made.queueUrls);

    // As in AWS: the relay has COPILOT_SNS_TOPIC_ARNS, a worker its COPILOT_QUEUE_URI.
    const relay = bus({ topicArns: made.topicArns });
    const worker = bus({ ownQueue: { worker: 'worker-item', url: made.queueUrls['worker-item']! } });
    const ops = bus({ copilot });
    const event = noted.build({ corporationId: 1, storeId: 1, key: 'poison', data: {} });
    expect((await relay.publish([{ topic: 'probe', envelope: event }])).published).toEqual([event.id]);

    // Five failed receives: the queue's redrive policy moves it to the DLQ CloudFormation named.
    for (let i = 0; i < 5; i++) {
      const [got] = await worker.receive('worker-item', { max: 1, waitMs: 2000 });
      expect(got?.envelope.id).toBe(event.id);
      await worker.retryLater('worker-item', got!, 0, 'boom');
    }
    expect(await worker.receive('worker-item', { max: 1, waitMs: 0 })).toEqual([]);

    const stats = await ops.stats();
    expect(stats.find((s) => s.queue === 'worker-item')).toEqual({
      queue: 'worker-item',
      depth: 0,
      inFlight: 0,
      deadLetters: 1,
    });
    // worker-notification's copy was never received.
    expect(stats.find((s) => s.queue === 'worker-notification')).toMatchObject({ depth: 1, deadLetters: 0 });
    expect((await ops.listDeadLetters('worker-item', 10)).map((d) => d.eventId)).toEqual([event.id]);
    expect(await ops.redrive('worker-item')).toBe(1);
    const [back] = await worker.receive('worker-item', { max: 1, waitMs: 2000 });
    expect(back?.envelope.id).toBe(event.id);
    await worker.ack('worker-item', [back!]);
  });

  it('finds a queue whose generated name CloudFormation shortened by its Copilot tags', async () => {
    const copilot = copilotEnv();
    const sqs = new SQSClient(awsClientConfig({ region: REGION, endpoint: emu.endpoint }));
    const tags = (logicalId: string) => ({
      'copilot-application': copilot.app,
      'copilot-environment': copilot.env,
      'copilot-service': 'worker-notification',
      'aws:cloudformation:logical-id': logicalId,
    });
    const dlq = await sqs.send(
      new CreateQueueCommand({
        QueueName: `pos-${copilot.env}-worker-notif-DeadLetterQueue-X1.fifo`,
        Attributes: { FifoQueue: 'true' },
        tags: tags('DeadLetterQueue'),
      }),
    );
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl!, AttributeNames: ['QueueArn'] }),
    );
    const main = await sqs.send(
      new CreateQueueCommand({
        QueueName: `pos-${copilot.env}-worker-notif-EventsQueue-X2.fifo`,
        Attributes: {
          FifoQueue: 'true',
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: Attributes!.QueueArn, maxReceiveCount: 5 }),
        },
        tags: tags('EventsQueue'),
      }),
    );
    sqs.destroy();
    const ops = bus({ copilot });
    const stats = await ops.stats().catch((e: Error) => e);
    // worker-item has no queue in this environment: the error says what was looked for.
    expect(String(stats)).toContain(
      `no SQS queue of worker-item in Copilot application pos, environment ${copilot.env} (looked for pos-${copilot.env}-worker-item-EventsQueue-*.fifo and the tag copilot-service=worker-item; set BUS_QUEUE_URLS)`,
    );
    expect(await ops.listDeadLetters('worker-notification', 5)).toEqual([]);
    // The explicit map (BUS_QUEUE_URLS) wins and needs no look-up.
    const mapped = bus({ copilot, queueUrls: { 'worker-item': main.QueueUrl! } });
    expect((await mapped.stats()).map((s) => s.queue)).toEqual(['worker-item', 'worker-notification']);
  });

  describe('through the operations API', () => {
    const copilot = { app: 'pos', env: `api${process.pid}` };
    let app: Awaited<ReturnType<typeof createHttpServer>>;
    beforeAll(async () => {
      await provisionBus(topology, { region: REGION, endpoint: emu.endpoint, prefix: '', copilot });
      app = await createHttpServer({
        authenticator: headerAuthenticator(),
        name: 't',
        description: 't',
        logger: pino({ level: 'silent' }),
        readiness: () => [],
        docs: false,
        plugins: [operationsRoutes({ bus: bus({ copilot }) })],
      });
    });
    afterAll(() => app?.close());

    it('lists the Copilot-named queues under their workers, and redrives by worker name', async () => {
      const res = await app.inject({ method: 'GET', url: '/api/v1/operations/queues' });
      expect(res.json()).toEqual({
        bus: 'sqs',
        queues: [
          { queue: 'worker-item', depth: 0, inFlight: 0, deadLetters: 0 },
          { queue: 'worker-notification', depth: 0, inFlight: 0, deadLetters: 0 },
        ],
      });
      const redrive = await app.inject({
        method: 'POST',
        url: '/api/v1/operations/queues/worker-item/redrive',
        payload: {},
      });
      expect(redrive.json()).toEqual({ redriven: 0 });
      const unknown = await app.inject({
        method: 'GET',
        url: '/api/v1/operations/queues/worker-x/dead-letters',
      });
      expect(unknown.statusCode).toBe(404);
    });
  });
});
