import type * as SqsSdk from '@aws-sdk/client-sqs';

/**
 * How the `sqs` bus finds its resources. Two namings:
 *
 * - ours (`regi bus provision`, the emulator): `<prefix><family>.fifo`, `<prefix><worker>.fifo`,
 *   `<prefix><worker>-dlq.fifo` (`BUS_RESOURCE_PREFIX`);
 * - Copilot's (AWS): the publisher's topics are `${AWS::StackName}-<topic>.fifo` with the stack
 *   `<app>-<env>-<service>`; a worker's queue and DLQ have no name in the template, so CloudFormation
 *   generates `<stack>-EventsQueue-<random>.fifo` / `<stack>-DeadLetterQueue-<random>.fifo` (shortening
 *   the stack part when the whole would pass 80 characters) and tags them with the stack's
 *   `copilot-application` / `copilot-environment` / `copilot-service` tags and its own
 *   `aws:cloudformation:logical-id`.
 *
 * A worker's own queue URL is injected (`COPILOT_QUEUE_URI`) and so are the publisher's topic ARNs
 * (`COPILOT_SNS_TOPIC_ARNS`); the operations tools (`regi dlq`, the operations API, the consistency
 * job) run elsewhere and look the other workers' queues up, by name prefix, else by tags.
 */
export interface CopilotNames {
  app: string;
  env: string;
}

export const topicName = (prefix: string, family: string) => `${prefix}${family}.fifo`;
export const queueName = (prefix: string, worker: string) => `${prefix}${worker}.fifo`;
export const dlqQueueName = (prefix: string, worker: string) => `${prefix}${worker}-dlq.fifo`;

export const copilotStackName = (c: CopilotNames, service: string) => `${c.app}-${c.env}-${service}`;
export const copilotTopicName = (c: CopilotNames, publisher: string, family: string) =>
  `${copilotStackName(c, publisher)}-${family}.fifo`;
/** What the name CloudFormation generates for a worker's queue starts with (when it is not shortened). */
export const copilotQueuePrefix = (c: CopilotNames, worker: string) =>
  `${copilotStackName(c, worker)}-EventsQueue-`;

export const EVENTS_QUEUE_LOGICAL_ID = 'EventsQueue';
export const DLQ_LOGICAL_ID = 'DeadLetterQueue';

export const queueNameOfUrl = (url: string) => url.slice(url.lastIndexOf('/') + 1);

type Sqs = { client: SqsSdk.SQSClient; sdk: typeof SqsSdk };

async function listQueues({ client, sdk }: Sqs, prefix: string): Promise<string[]> {
  const urls: string[] = [];
  let next: string | undefined;
  do {
    const page = await client.send(
      new sdk.ListQueuesCommand({ QueueNamePrefix: prefix, MaxResults: 1000, NextToken: next }),
    );
    urls.push(...(page.QueueUrls ?? []));
    next = page.NextToken;
  } while (next);
  return urls;
}

/**
 * The URL of a worker's Copilot-made events queue: the one `.fifo` queue named
 * `<app>-<env>-<worker>-EventsQueue-…`; failing that (a shortened name, or several candidates), the
 * one queue of the environment tagged `copilot-service: <worker>` whose logical id is `EventsQueue`.
 * Undefined when there is none; an error when the tags leave several.
 */
export async function findCopilotQueue(
  sqs: Sqs,
  c: CopilotNames,
  worker: string,
): Promise<string | undefined> {
  const named = (await listQueues(sqs, copilotQueuePrefix(c, worker))).filter((u) => u.endsWith('.fifo'));
  if (named.length === 1) return named[0];
  const tagged: string[] = [];
  for (const url of await listQueues(sqs, `${c.app}-${c.env}-`)) {
    const { Tags: tags = {} } = await sqs.client.send(new sqs.sdk.ListQueueTagsCommand({ QueueUrl: url }));
    if (tags['copilot-service'] !== worker) continue;
    if (tags['copilot-application'] !== undefined && tags['copilot-application'] !== c.app) continue;
    if (tags['copilot-environment'] !== undefined && tags['copilot-environment'] !== c.env) continue;
    const logicalId = tags['aws:cloudformation:logical-id'];
    const isEvents =
      logicalId !== undefined
        ? logicalId === EVENTS_QUEUE_LOGICAL_ID
        : queueNameOfUrl(url).includes(`-${EVENTS_QUEUE_LOGICAL_ID}-`);
    if (isEvents) tagged.push(url);
  }
  if (tagged.length > 1)
    throw new Error(
      `several SQS queues are tagged as ${worker}'s events queue in ${c.app}/${c.env}: ${tagged.map(queueNameOfUrl).join(', ')} (set BUS_QUEUE_URLS)`,
    );
  return tagged[0];
}
