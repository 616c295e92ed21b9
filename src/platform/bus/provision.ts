import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { awsClientConfig, dlqQueueName, queueName, topicName } from './sqs-bus.ts';
import type { Topology } from './topology-types.ts';

export interface ProvisionResult {
  topics: string[];
  queues: string[];
  subscriptions: number;
}

/**
 * Creates the topology's SNS FIFO topics, SQS FIFO queues with their DLQs and redrive policies, and
 * the filtered raw-delivery subscriptions. Idempotent: every call is a create-if-absent. (In AWS,
 * Copilot creates these from the manifests; this is for the emulator and self-managed accounts.)
 */
export async function provisionBus(
  topology: Topology,
  opts: { region: string; endpoint?: string; prefix: string },
): Promise<ProvisionResult> {
  const sns = new SNSClient(awsClientConfig(opts));
  const sqs = new SQSClient(awsClientConfig(opts));
  try {
    const arns = new Map<string, string>();
    for (const t of topology.topics) {
      const res = await sns.send(
        new CreateTopicCommand({
          Name: topicName(opts.prefix, t.family),
          Attributes: { FifoTopic: 'true', ContentBasedDeduplication: 'false' },
        }),
      );
      arns.set(t.family, res.TopicArn!);
    }
    let subscriptions = 0;
    const queues: string[] = [];
    for (const q of topology.queues) {
      const arnOf = async (url: string) =>
        (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] })))
          .Attributes!.QueueArn!;
      const dlq = await sqs.send(
        new CreateQueueCommand({
          QueueName: dlqQueueName(opts.prefix, q.worker),
          Attributes: { FifoQueue: 'true', MessageRetentionPeriod: String(14 * 24 * 3600) },
        }),
      );
      const main = await sqs.send(
        new CreateQueueCommand({
          QueueName: queueName(opts.prefix, q.worker),
          Attributes: {
            FifoQueue: 'true',
            VisibilityTimeout: String(q.visibilityTimeoutSeconds),
            RedrivePolicy: JSON.stringify({
              deadLetterTargetArn: await arnOf(dlq.QueueUrl!),
              maxReceiveCount: q.maxReceiveCount,
            }),
          },
        }),
      );
      queues.push(queueName(opts.prefix, q.worker));
      const queueArn = await arnOf(main.QueueUrl!);
      for (const s of q.subscriptions) {
        const topicArn = arns.get(s.family);
        if (!topicArn) throw new Error(`${q.worker} subscribes to ${s.family}, which is not a topic`);
        await sns.send(
          new SubscribeCommand({
            TopicArn: topicArn,
            Protocol: 'sqs',
            Endpoint: queueArn,
            Attributes: { RawMessageDelivery: 'true', FilterPolicy: JSON.stringify({ type: s.types }) },
          }),
        );
        subscriptions++;
      }
    }
    return { topics: topology.topics.map((t) => topicName(opts.prefix, t.family)), queues, subscriptions };
  } finally {
    sns.destroy();
    sqs.destroy();
  }
}
