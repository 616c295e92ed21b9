import type * as SnsSdk from '@aws-sdk/client-sns';
import type * as SqsSdk from '@aws-sdk/client-sqs';
import {
  UnknownQueueError,
  type Bus,
  type DeadLetter,
  type Delivery,
  type OutgoingEvent,
  type QueueStats,
} from './bus.ts';
import type { EventEnvelope } from './events.ts';
import { envelopeOfTick, isSchedulerTick } from './scheduler-tick.ts';
import { copilotTopicName, findCopilotQueue, queueName, topicName, type CopilotNames } from './sqs-names.ts';
import type { Topology } from './topology-types.ts';

export interface SqsBusOptions {
  region: string;
  /** Unset in AWS (the SDK's regional endpoint); the emulator's URL locally. */
  endpoint?: string;
  /** Our names: `<prefix><family>.fifo`, `<prefix><worker>.fifo`, `<prefix><worker>-dlq.fifo`. */
  prefix: string;
  /** Set: resources carry Copilot's names instead (`sqs-names.ts`); `prefix` is not used. */
  copilot?: CopilotNames;
  /** Copilot's `COPILOT_SNS_TOPIC_ARNS` (topic name → ARN), when injected. */
  topicArns?: Record<string, string>;
  /** Worker → queue URL, known from configuration (`BUS_QUEUE_URLS`): no look-up for these. */
  queueUrls?: Record<string, string>;
  /** Copilot's `COPILOT_QUEUE_URI` for the worker running in this process, when injected. */
  ownQueue?: { worker: string; url: string };
}

export { dlqQueueName, queueName, topicName } from './sqs-names.ts';

export function awsClientConfig(opts: { region: string; endpoint?: string }) {
  return {
    region: opts.region,
    ...(opts.endpoint
      ? {
          endpoint: opts.endpoint,
          // Local emulators accept any credentials; real AWS uses the default provider chain.
          ...(process.env.AWS_ACCESS_KEY_ID
            ? {}
            : { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
        }
      : {}),
  };
}

/**
 * The `sqs` bus: SNS FIFO `PublishBatch` (group = ordering key, dedup id = event id) and SQS FIFO
 * queues with a redrive policy. Names come from Copilot's injected variables when present, otherwise
 * from the prefix `regi bus provision` used.
 */
/** The AWS SDK is loaded on first use: processes on the `sql` bus never pay for it. */
export async function loadAwsSdk(): Promise<{ sns: typeof SnsSdk; sqs: typeof SqsSdk }> {
  const [sns, sqs] = await Promise.all([import('@aws-sdk/client-sns'), import('@aws-sdk/client-sqs')]);
  return { sns, sqs };
}

export function createSqsBus(topology: Topology, opts: SqsBusOptions): Bus {
  let S!: Awaited<ReturnType<typeof loadAwsSdk>>;
  let sns!: SnsSdk.SNSClient;
  let sqs!: SqsSdk.SQSClient;
  let loading: Promise<void> | undefined;
  const ready = () =>
    (loading ??= loadAwsSdk().then((sdk) => {
      S = sdk;
      sns = new sdk.sns.SNSClient(awsClientConfig(opts));
      sqs = new sdk.sqs.SQSClient(awsClientConfig(opts));
    }));
  const topicArns = new Map<string, string>(Object.entries(opts.topicArns ?? {}));
  const queueUrls = new Map<string, string>(Object.entries(opts.queueUrls ?? {}));
  const dlqUrls = new Map<string, string>();
  if (opts.ownQueue) queueUrls.set(opts.ownQueue.worker, opts.ownQueue.url);

  async function topicArn(family: string): Promise<string> {
    await ready();
    const cached = topicArns.get(family);
    if (cached) return cached;
    const wanted = opts.copilot
      ? copilotTopicName(opts.copilot, topology.publisher, family)
      : topicName(opts.prefix, family);
    let next: string | undefined;
    do {
      const page = await sns.send(new S.sns.ListTopicsCommand({ NextToken: next }));
      for (const t of page.Topics ?? [])
        if (t.TopicArn?.endsWith(`:${wanted}`)) topicArns.set(family, t.TopicArn);
      next = page.NextToken;
    } while (next && !topicArns.has(family));
    const arn = topicArns.get(family);
    if (!arn) throw new Error(`SNS topic ${wanted} does not exist (run \`regi bus provision\`)`);
    return arn;
  }

  async function queueUrl(worker: string): Promise<string> {
    await ready();
    if (!topology.queues.some((q) => q.worker === worker)) throw new UnknownQueueError(worker);
    const cached = queueUrls.get(worker);
    if (cached) return cached;
    let url: string;
    if (opts.copilot) {
      const found = await findCopilotQueue({ client: sqs, sdk: S.sqs }, opts.copilot, worker);
      if (!found)
        throw new Error(
          `no SQS queue of ${worker} in Copilot application ${opts.copilot.app}, environment ${opts.copilot.env} (looked for ${opts.copilot.app}-${opts.copilot.env}-${worker}-EventsQueue-*.fifo and the tag copilot-service=${worker}; set BUS_QUEUE_URLS)`,
        );
      url = found;
    } else {
      const res = await sqs.send(new S.sqs.GetQueueUrlCommand({ QueueName: queueName(opts.prefix, worker) }));
      url = res.QueueUrl!;
    }
    queueUrls.set(worker, url);
    return url;
  }

  /** The DLQ is whatever the queue's RedrivePolicy names. */
  async function dlqUrl(worker: string): Promise<string> {
    await ready();
    const cached = dlqUrls.get(worker);
    if (cached) return cached;
    const attrs = await sqs.send(
      new S.sqs.GetQueueAttributesCommand({
        QueueUrl: await queueUrl(worker),
        AttributeNames: ['RedrivePolicy'],
      }),
    );
    const policy = attrs.Attributes?.RedrivePolicy;
    if (!policy) throw new Error(`queue of ${worker} has no RedrivePolicy`);
    const arn = (JSON.parse(policy) as { deadLetterTargetArn: string }).deadLetterTargetArn;
    // arn:aws:sqs:<region>:<account>:<name>: whatever the DLQ is called (ours, or CloudFormation's).
    const [, , , , account, name] = arn.split(':');
    const res = await sqs.send(
      new S.sqs.GetQueueUrlCommand({
        QueueName: name,
        ...(account ? { QueueOwnerAWSAccountId: account } : {}),
      }),
    );
    dlqUrls.set(worker, res.QueueUrl!);
    return res.QueueUrl!;
  }

  const parseBody = (body: string): EventEnvelope => {
    const parsed = JSON.parse(body) as EventEnvelope & { Type?: string; Message?: string };
    if (isSchedulerTick(parsed)) return envelopeOfTick(parsed);
    // Raw delivery is provisioned; an SNS notification wrapper is unwrapped in case it is not.
    return parsed.Type === 'Notification' && parsed.Message
      ? (JSON.parse(parsed.Message) as EventEnvelope)
      : parsed;
  };

  async function receiveFrom(
    url: string,
    max: number,
    waitS: number,
    signal?: AbortSignal,
    visibility?: number,
  ) {
    await ready();
    const res = await sqs.send(
      new S.sqs.ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: Math.min(10, Math.max(1, max)),
        WaitTimeSeconds: waitS,
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
        ...(visibility !== undefined ? { VisibilityTimeout: visibility } : {}),
      }),
      signal ? { abortSignal: signal } : {},
    );
    return res.Messages ?? [];
  }

  return {
    kind: 'sqs',
    async publish(events: OutgoingEvent[]) {
      await ready();
      const published: string[] = [];
      const failed: { eventId: string; error: string }[] = [];
      // Per topic, in order, 10 at a time. After a failure the rest of that topic waits for the next
      // relay pass, so a later event of the same key never overtakes an earlier one.
      const byTopic = new Map<string, OutgoingEvent[]>();
      for (const e of events) byTopic.set(e.topic, [...(byTopic.get(e.topic) ?? []), e]);
      await Promise.all(
        [...byTopic.entries()].map(async ([family, list]) => {
          const arn = await topicArn(family);
          for (let i = 0; i < list.length; i += 10) {
            const batch = list.slice(i, i + 10);
            const res = await sns.send(
              new S.sns.PublishBatchCommand({
                TopicArn: arn,
                PublishBatchRequestEntries: batch.map((e, n) => ({
                  Id: String(n),
                  Message: JSON.stringify(e.envelope),
                  MessageGroupId: e.envelope.key,
                  MessageDeduplicationId: e.envelope.id,
                  MessageAttributes: { type: { DataType: 'String', StringValue: e.envelope.type } },
                })),
              }),
            );
            const bad = new Map((res.Failed ?? []).map((f) => [f.Id, f.Message ?? f.Code ?? 'failed']));
            for (const [n, e] of batch.entries()) {
              const err = bad.get(String(n));
              if (err) failed.push({ eventId: e.envelope.id, error: err });
              else published.push(e.envelope.id);
            }
            if (bad.size > 0) {
              for (const e of list.slice(i + 10))
                failed.push({ eventId: e.envelope.id, error: 'held back after a failure' });
              return;
            }
          }
        }),
      );
      return { published, failed };
    },
    async receive(queue, { max, waitMs, signal }) {
      await ready();
      const url = await queueUrl(queue);
      try {
        const msgs = await receiveFrom(url, max, Math.min(20, Math.ceil(waitMs / 1000)), signal);
        return msgs.map((m): Delivery => ({
          envelope: parseBody(m.Body ?? '{}'),
          receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? 1),
          handle: m.ReceiptHandle!,
        }));
      } catch (err) {
        if (signal?.aborted) return [];
        throw err;
      }
    },
    async ack(queue, deliveries) {
      await ready();
      if (deliveries.length === 0) return;
      const url = await queueUrl(queue);
      for (let i = 0; i < deliveries.length; i += 10) {
        const res = await sqs.send(
          new S.sqs.DeleteMessageBatchCommand({
            QueueUrl: url,
            Entries: deliveries.slice(i, i + 10).map((d, n) => ({ Id: String(n), ReceiptHandle: d.handle })),
          }),
        );
        if (res.Failed?.length)
          throw new Error(`SQS did not delete ${res.Failed.length} message(s): ${res.Failed[0]?.Message}`);
      }
    },
    async retryLater(queue, d, delayMs) {
      await ready();
      await sqs.send(
        new S.sqs.ChangeMessageVisibilityCommand({
          QueueUrl: await queueUrl(queue),
          ReceiptHandle: d.handle,
          VisibilityTimeout: Math.min(43_200, Math.round(delayMs / 1000)),
        }),
      );
    },
    async extendVisibility(queue, d, seconds) {
      await ready();
      await sqs.send(
        new S.sqs.ChangeMessageVisibilityCommand({
          QueueUrl: await queueUrl(queue),
          ReceiptHandle: d.handle,
          VisibilityTimeout: seconds,
        }),
      );
    },
    async stats() {
      await ready();
      const count = async (url: string) => {
        const a = await sqs.send(
          new S.sqs.GetQueueAttributesCommand({
            QueueUrl: url,
            AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
          }),
        );
        return {
          visible: Number(a.Attributes?.ApproximateNumberOfMessages ?? 0),
          hidden: Number(a.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0),
        };
      };
      return Promise.all(
        topology.queues.map(async (q): Promise<QueueStats> => {
          const live = await count(await queueUrl(q.worker));
          const dead = await count(await dlqUrl(q.worker));
          return {
            queue: q.worker,
            depth: live.visible,
            inFlight: live.hidden,
            deadLetters: dead.visible + dead.hidden,
          };
        }),
      );
    },
    async listDeadLetters(queue, limit) {
      await ready();
      const url = await dlqUrl(queue);
      const out: DeadLetter[] = [];
      const seen = new Set<string>();
      // SQS has no peek: receive with a short visibility, then hand every received copy straight back
      // so that a redrive right after a listing finds them.
      const handles: string[] = [];
      try {
        while (out.length < limit) {
          const msgs = await receiveFrom(url, limit - out.length, 0, undefined, 5);
          handles.push(...msgs.map((m) => m.ReceiptHandle!));
          const fresh = msgs.filter((m) => !seen.has(m.MessageId!));
          if (fresh.length === 0) break;
          for (const m of fresh) {
            seen.add(m.MessageId!);
            const envelope = parseBody(m.Body ?? '{}');
            out.push({
              eventId: envelope.id,
              type: envelope.type,
              key: envelope.key,
              receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? 0),
              lastError: null,
              envelope,
            });
          }
        }
      } finally {
        await Promise.all(
          handles.map((h) =>
            sqs
              .send(
                new S.sqs.ChangeMessageVisibilityCommand({
                  QueueUrl: url,
                  ReceiptHandle: h,
                  VisibilityTimeout: 0,
                }),
              )
              .catch(() => {}),
          ),
        );
      }
      return out;
    },
    async redrive(queue, eventIds) {
      await ready();
      const from = await dlqUrl(queue);
      const to = await queueUrl(queue);
      const wanted = eventIds ? new Set(eventIds) : undefined;
      let moved = 0;
      const skipped = new Set<string>();
      for (;;) {
        const msgs = (await receiveFrom(from, 10, 0, undefined, 30)).filter(
          (m) => !skipped.has(m.MessageId!),
        );
        if (msgs.length === 0) break;
        for (const m of msgs) {
          const envelope = parseBody(m.Body ?? '{}');
          if (wanted && !wanted.has(envelope.id)) {
            skipped.add(m.MessageId!);
            await sqs.send(
              new S.sqs.ChangeMessageVisibilityCommand({
                QueueUrl: from,
                ReceiptHandle: m.ReceiptHandle!,
                VisibilityTimeout: 0,
              }),
            );
            continue;
          }
          // A fresh dedup id: the original one may still be inside SQS's 5-minute dedup window. The
          // consumer's inbox keeps a redelivered event from applying twice anyway.
          await sqs.send(
            new S.sqs.SendMessageCommand({
              QueueUrl: to,
              MessageBody: JSON.stringify(envelope),
              MessageGroupId: envelope.key,
              MessageDeduplicationId: `${envelope.id}.r${Date.now().toString(36)}`,
            }),
          );
          await sqs.send(new S.sqs.DeleteMessageCommand({ QueueUrl: from, ReceiptHandle: m.ReceiptHandle! }));
          moved++;
        }
      }
      return moved;
    },
    async close() {
      if (!loading) return;
      await loading;
      sns.destroy();
      sqs.destroy();
    },
  };
}
