import { SendMessageCommand, SQSClient, GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { REGION, useEmulator } from '../../../test/support/bus.ts';
import { provisionBus } from './provision.ts';
import { envelopeOfTick, isSchedulerTick } from './scheduler-tick.ts';
import { awsClientConfig, createSqsBus, queueName } from './sqs-bus.ts';
import { topology } from './topology.ts';
import { validateEnvelope } from './events.ts';

const tick = {
  type: 'scheduled.tick',
  schedule: 'tasks.cleanup',
  scheduledAt: '2026-11-28T18:20:07Z',
  executionId: 'e-1',
};

describe('EventBridge Scheduler ticks', () => {
  it('become the scheduled.fired event of their minute', () => {
    expect(isSchedulerTick(tick)).toBe(true);
    expect(isSchedulerTick({ type: 'tasks.chunk_ready' })).toBe(false);
    const env = validateEnvelope(envelopeOfTick(tick as never));
    expect(env).toMatchObject({
      type: 'scheduled.fired',
      key: 'schedule:tasks.cleanup',
      data: { kind: 'tasks.cleanup', slot: '2026-11-28T18:20:00.000Z', delayedJobId: null },
    });
    expect(() => envelopeOfTick({ ...tick, scheduledAt: 'soon' } as never)).toThrow('invalid time');
  });

  describe('on the SNS/SQS emulator', () => {
    const emu = useEmulator();

    it("reach worker-scheduled's consumer as events when dropped raw on its queue", async () => {
      const prefix = `tick${process.pid}-`;
      await provisionBus(topology, { region: REGION, endpoint: emu.endpoint, prefix });
      const sqs = new SQSClient(awsClientConfig({ region: REGION, endpoint: emu.endpoint }));
      const { QueueUrl } = await sqs.send(
        new GetQueueUrlCommand({ QueueName: queueName(prefix, 'worker-scheduled') }),
      );
      await sqs.send(
        new SendMessageCommand({
          QueueUrl,
          MessageBody: JSON.stringify(tick),
          MessageGroupId: 'tasks.cleanup',
          MessageDeduplicationId: 'e-1',
        }),
      );
      const bus = createSqsBus(topology, { region: REGION, endpoint: emu.endpoint, prefix });
      try {
        const got = await bus.receive('worker-scheduled', { max: 10, waitMs: 2000 });
        expect(got.map((d) => [d.envelope.type, (d.envelope.data as { kind: string }).kind])).toEqual([
          ['scheduled.fired', 'tasks.cleanup'],
        ]);
        await bus.ack('worker-scheduled', got);
      } finally {
        await bus.close();
        sqs.destroy();
      }
    });
  });
});
