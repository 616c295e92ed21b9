import { randomBytes } from 'node:crypto';
import { awsClientConfig, loadAwsSdk } from './sqs-bus.ts';
import {
  copilotStackName,
  copilotTopicName,
  DLQ_LOGICAL_ID,
  dlqQueueName,
  EVENTS_QUEUE_LOGICAL_ID,
  findCopilotQueue,
  queueName,
  queueNameOfUrl,
  topicName,
  type CopilotNames,
} from './sqs-names.ts';
import type { Topology } from './topology-types.ts';

export interface ProvisionResult {
  topics: string[];
  queues: string[];
  subscriptions: number;
  /** What Copilot would inject: topic name → ARN (`COPILOT_SNS_TOPIC_ARNS` of the publisher). */
  topicArns: Record<string, string>;
  /** Worker → its queue URL (`COPILOT_QUEUE_URI` of each worker). */
  queueUrls: Record<string, string>;
}

/** CloudFormation's generated-name suffix: 12 or 13 upper-case letters and digits. */
const cfnSuffix = () =>
  [...randomBytes(12)].map((b) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'[b % 36]).join('');

/**
 * Creates the topology's SNS FIFO topics, SQS FIFO queues with their DLQs and redrive policies, and
 * the filtered raw-delivery subscriptions. Idempotent: every call is a create-if-absent. (In AWS,
 * Copilot creates these from the manifests; this is for the emulator and self-managed accounts.)
 *
 * With `copilot`, the resources get the names and tags Copilot's CloudFormation gives them
 * (`sqs-names.ts`), so the emulator rehearses AWS's naming: topics `<app>-<env>-backend-outbox-<family>.fifo`,
 * queues `<app>-<env>-<worker>-EventsQueue-<random>.fifo` found again by listing.
 */
export async function provisionBus(
  topology: Topology,
  opts: { region: string; endpoint?: string; prefix: string; copilot?: CopilotNames },
): Promise<ProvisionResult> {
  const { sns: snsSdk, sqs: sqsSdk } = await loadAwsSdk();
  const { CreateTopicCommand, SubscribeCommand } = snsSdk;
  const { CreateQueueCommand, GetQueueAttributesCommand } = sqsSdk;
  const sns = new snsSdk.SNSClient(awsClientConfig(opts));
  const sqs = new sqsSdk.SQSClient(awsClientConfig(opts));
  try {
    const arns = new Map<string, string>();
    const nameOfTopic = (family: string) =>
      opts.copilot
        ? copilotTopicName(opts.copilot, topology.publisher, family)
        : topicName(opts.prefix, family);
    const copilotTags = (worker: string, logicalId: string) =>
      opts.copilot
        ? {
            'copilot-application': opts.copilot.app,
            'copilot-environment': opts.copilot.env,
            'copilot-service': worker,
            'aws:cloudformation:logical-id': logicalId,
          }
        : undefined;
    const queueUrls: Record<string, string> = {};
    for (const t of topology.topics) {
      const res = await sns.send(
        new CreateTopicCommand({
          Name: nameOfTopic(t.family),
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
      // Copilot's queue names carry a random part: an existing one is found, not made twice.
      const existing = opts.copilot
        ? await findCopilotQueue({ client: sqs, sdk: sqsSdk }, opts.copilot, q.worker)
        : undefined;
      const stack = opts.copilot ? copilotStackName(opts.copilot, q.worker) : '';
      let mainUrl = existing;
      if (!mainUrl) {
        const dlqTags = copilotTags(q.worker, DLQ_LOGICAL_ID);
        const dlq = await sqs.send(
          new CreateQueueCommand({
            QueueName: opts.copilot
              ? `${stack}-${DLQ_LOGICAL_ID}-${cfnSuffix()}.fifo`
              : dlqQueueName(opts.prefix, q.worker),
            Attributes: { FifoQueue: 'true', MessageRetentionPeriod: String(14 * 24 * 3600) },
            ...(dlqTags ? { tags: dlqTags } : {}),
          }),
        );
        const mainTags = copilotTags(q.worker, EVENTS_QUEUE_LOGICAL_ID);
        const main = await sqs.send(
          new CreateQueueCommand({
            QueueName: opts.copilot
              ? `${stack}-${EVENTS_QUEUE_LOGICAL_ID}-${cfnSuffix()}.fifo`
              : queueName(opts.prefix, q.worker),
            Attributes: {
              FifoQueue: 'true',
              VisibilityTimeout: String(q.visibilityTimeoutSeconds),
              RedrivePolicy: JSON.stringify({
                deadLetterTargetArn: await arnOf(dlq.QueueUrl!),
                maxReceiveCount: q.maxReceiveCount,
              }),
            },
            ...(mainTags ? { tags: mainTags } : {}),
          }),
        );
        mainUrl = main.QueueUrl!;
      }
      queueUrls[q.worker] = mainUrl;
      queues.push(queueNameOfUrl(mainUrl));
      const queueArn = await arnOf(mainUrl);
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
    return {
      topics: topology.topics.map((t) => nameOfTopic(t.family)),
      queues,
      subscriptions,
      topicArns: Object.fromEntries(arns),
      queueUrls,
    };
  } finally {
    sns.destroy();
    sqs.destroy();
  }
}
