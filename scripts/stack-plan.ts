import { workloadNames, type WorkloadName } from '../src/workloads/names.ts';

/**
 * What `npm run stack` starts: every workload as its own `regi run <workload>` process, as ECS runs
 * them, against one MySQL/MariaDB, one Valkey/Redis and (normally) the SNS/SQS emulator. Services get fixed ports (web: POS_PORT /
 * EC_PORT; the others: a probe port from `healthPortBase`); jobs run once after the services are
 * ready and exit, as a schedule would fire them.
 */
export interface StackProcess {
  name: WorkloadName;
  kind: 'service' | 'job';
  args: string[];
  env: Record<string, string>;
  /** URL answering 200 once the process is ready. */
  readyUrl?: string;
}

/** Where the `sqs` bus of every process points: the emulator the stack started and provisioned. */
export interface StackSqsBus {
  endpoint: string;
  region: string;
  /** `BUS_RESOURCE_PREFIX` the resources were provisioned under (when not named by Copilot). */
  prefix: string;
  /**
   * Resources named as Copilot's CloudFormation names them: every process gets the application and
   * environment, the relay the topic ARNs and each worker its queue URL, as Copilot injects them.
   */
  copilot?: {
    app: string;
    env: string;
    topicArns: Record<string, string>;
    queueUrls: Record<string, string>;
  };
}

export interface StackOptions {
  databaseUrl: string;
  valkeyUrl?: string;
  /** Unset: the `sql` bus (queue tables in the database). */
  sqs?: StackSqsBus;
  posPort: number;
  ecPort: number;
  healthPortBase: number;
  only?: readonly string[];
}

export function planStack(o: StackOptions): StackProcess[] {
  const selected = o.only?.length ? workloadNames.filter((n) => o.only!.includes(n)) : [...workloadNames];
  const unknown = (o.only ?? []).filter((n) => !(workloadNames as readonly string[]).includes(n));
  if (unknown.length) throw new Error(`unknown workload(s): ${unknown.join(', ')}`);
  const common = {
    DATABASE_URL: o.databaseUrl,
    ...(o.valkeyUrl ? { VALKEY_URL: o.valkeyUrl } : {}),
    HOST: '127.0.0.1',
    ...(o.sqs
      ? {
          BUS: 'sqs',
          AWS_ENDPOINT_URL: o.sqs.endpoint,
          AWS_REGION: o.sqs.region,
          ...(o.sqs.copilot
            ? {
                COPILOT_APPLICATION_NAME: o.sqs.copilot.app,
                COPILOT_ENVIRONMENT_NAME: o.sqs.copilot.env,
              }
            : { BUS_RESOURCE_PREFIX: o.sqs.prefix }),
        }
      : { BUS: 'sql' }),
  };
  const injected = (name: WorkloadName): Record<string, string> => {
    const c = o.sqs?.copilot;
    if (!c) return {};
    // Copilot: the publisher's topics (`publish.topics`), a worker service's queue (`subscribe`).
    if (name === 'backend-outbox') return { COPILOT_SNS_TOPIC_ARNS: JSON.stringify(c.topicArns) };
    const url = c.queueUrls[name];
    return url ? { COPILOT_QUEUE_URI: url } : {};
  };
  return selected.map((name) => {
    const kind = name.startsWith('job-') ? 'job' : 'service';
    const env: Record<string, string> = { ...common, ...injected(name) };
    let port: number | undefined;
    if (name === 'pos-web-app') port = o.posPort;
    else if (name === 'ec-web-app') port = o.ecPort;
    // The index among all twelve: a workload keeps its port whatever subset runs.
    else if (kind === 'service') port = o.healthPortBase + workloadNames.indexOf(name);
    if (name === 'pos-web-app') env.POS_PORT = String(port);
    else if (name === 'ec-web-app') env.EC_PORT = String(port);
    else if (port !== undefined) env.HEALTH_PORT = String(port);
    return {
      name,
      kind,
      args: ['run', name],
      env,
      ...(port !== undefined ? { readyUrl: `http://127.0.0.1:${port}/readyz` } : {}),
    };
  });
}

/** `[name] line` with the names padded to one width, so twelve interleaved logs stay readable. */
export function prefixer(name: string, width: number): (chunk: string) => string {
  let partial = '';
  const tag = `[${name}]`.padEnd(width + 2) + ' ';
  return (chunk) => {
    const text = partial + chunk;
    const lines = text.split('\n');
    partial = lines.pop() ?? '';
    return lines.map((l) => tag + l + '\n').join('');
  };
}
