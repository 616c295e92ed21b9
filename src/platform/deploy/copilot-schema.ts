import { z } from 'zod';

/**
 * The AWS Copilot manifest specification (copilot-cli v1.34, "Manifest" reference pages) for the
 * types this application uses, as strict Zod schemas: a misspelt or unsupported field fails here
 * instead of being silently ignored by a deploy. Only fields documented for each type are accepted.
 */
const duration = z.string().regex(/^(\d+(\.\d+)?(ms|s|m|h))+$/, 'a duration such as 30s, 5m, 2h, 250ms');
const stringOrList = z.union([z.string(), z.array(z.string())]);
const fromCfn = z.strictObject({ from_cfn: z.string().min(1) });
const variableValue = z.union([z.string(), z.number(), z.boolean(), fromCfn]);
const secretValue = z.union([
  z.string().min(1),
  z.strictObject({ secretsmanager: z.string().min(1) }),
  fromCfn,
]);
const cooldown = z.strictObject({ in: duration.optional(), out: duration.optional() });
const scalingValue = z.union([
  z.number(),
  z.strictObject({ value: z.number(), cooldown: cooldown.optional() }),
]);

const containerHealthcheck = z.strictObject({
  command: stringOrList,
  interval: duration.optional(),
  retries: z.number().int().optional(),
  timeout: duration.optional(),
  start_period: duration.optional(),
});
const build = z.union([
  z.string(),
  z.strictObject({
    dockerfile: z.string().optional(),
    context: z.string().optional(),
    args: z.record(z.string(), z.string()).optional(),
    target: z.string().optional(),
    cache_from: z.array(z.string()).optional(),
  }),
]);
const image = z.strictObject({
  build: build.optional(),
  location: z.string().optional(),
  credentials: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  depends_on: z.record(z.string(), z.string()).optional(),
  port: z.number().int().optional(),
  healthcheck: containerHealthcheck.optional(),
});
const count = z.union([
  z.number().int().min(0),
  z.strictObject({ spot: z.number().int().min(0) }),
  z.strictObject({
    range: z.union([
      z.string().regex(/^\d+-\d+$/),
      z.strictObject({
        min: z.number().int(),
        max: z.number().int(),
        spot_from: z.number().int().optional(),
      }),
    ]),
    cooldown: cooldown.optional(),
    cpu_percentage: scalingValue.optional(),
    memory_percentage: scalingValue.optional(),
    requests: scalingValue.optional(),
    response_time: z
      .union([duration, z.strictObject({ value: duration, cooldown: cooldown.optional() })])
      .optional(),
    queue_delay: z
      .strictObject({
        acceptable_latency: duration,
        msg_processing_time: duration,
        cooldown: cooldown.optional(),
      })
      .optional(),
  }),
]);
const network = z.strictObject({
  connect: z.union([z.boolean(), z.strictObject({ alias: z.string() })]).optional(),
  vpc: z
    .strictObject({
      placement: z
        .union([z.enum(['public', 'private']), z.strictObject({ subnets: z.array(z.string()) })])
        .optional(),
      security_groups: z.array(z.union([z.string(), fromCfn])).optional(),
    })
    .optional(),
});
const logging = z.strictObject({
  retention: z.number().int().optional(),
  image: z.string().optional(),
  destination: z.record(z.string(), z.string()).optional(),
  enableMetadata: z.boolean().optional(),
  secretOptions: z.record(z.string(), z.string()).optional(),
  configFilePath: z.string().optional(),
  variables: z.record(z.string(), variableValue).optional(),
  secrets: z.record(z.string(), secretValue).optional(),
  env_file: z.string().optional(),
});
const publish = z.strictObject({
  topics: z.array(
    z.strictObject({
      name: z.string().regex(/^[a-zA-Z0-9_-]+$/),
      fifo: z
        .union([z.boolean(), z.strictObject({ content_based_deduplication: z.boolean().optional() })])
        .optional(),
    }),
  ),
});
const fifoQueue = z.union([
  z.boolean(),
  z.strictObject({
    content_based_deduplication: z.boolean().optional(),
    deduplication_scope: z.enum(['messageGroup', 'queue']).optional(),
    throughput_limit: z.enum(['perQueue', 'perMessageGroupId']).optional(),
    high_throughput: z.boolean().optional(),
  }),
]);
const queue = z.strictObject({
  retention: duration.optional(),
  delay: duration.optional(),
  timeout: duration.optional(),
  dead_letter: z.strictObject({ tries: z.number().int().min(1).max(1000) }).optional(),
  fifo: fifoQueue.optional(),
});
const subscribe = z.strictObject({
  topics: z
    .array(
      z.strictObject({
        name: z.string(),
        service: z.string(),
        filter_policy: z.record(z.string(), z.unknown()).optional(),
        queue: z.union([z.boolean(), queue]).optional(),
      }),
    )
    .optional(),
  queue: queue.optional(),
});
const httpHealthcheck = z.union([
  z.string(),
  z.strictObject({
    path: z.string(),
    port: z.number().int().optional(),
    success_codes: z.string().optional(),
    healthy_threshold: z.number().int().optional(),
    unhealthy_threshold: z.number().int().optional(),
    interval: duration.optional(),
    timeout: duration.optional(),
    grace_period: duration.optional(),
  }),
]);
const http = z.union([
  z.literal(false),
  z.strictObject({
    path: z.string().optional(),
    alias: stringOrList.optional(),
    hosted_zone: z.string().optional(),
    healthcheck: httpHealthcheck.optional(),
    deregistration_delay: duration.optional(),
    target_container: z.string().optional(),
    target_port: z.number().int().optional(),
    stickiness: z.boolean().optional(),
    allowed_source_ips: z.array(z.string()).optional(),
    redirect_to_https: z.boolean().optional(),
    version: z.enum(['http1', 'http2', 'grpc']).optional(),
  }),
]);
const deployment = z.strictObject({
  rolling: z.enum(['default', 'recreate']).optional(),
  rollback_alarms: z.union([z.array(z.string()), z.record(z.string(), z.number())]).optional(),
});
const storage = z.strictObject({
  ephemeral: z.number().int().optional(),
  readonly_fs: z.boolean().optional(),
  volumes: z.record(z.string(), z.unknown()).optional(),
});

/** Fields every ECS workload shares (and that `environments.<env>` may override). */
const taskFields = {
  image: image.optional(),
  command: stringOrList.optional(),
  entrypoint: stringOrList.optional(),
  cpu: z.number().int().optional(),
  memory: z.number().int().optional(),
  platform: z
    .union([z.string(), z.strictObject({ osfamily: z.string(), architecture: z.string() })])
    .optional(),
  exec: z.boolean().optional(),
  network: network.optional(),
  variables: z.record(z.string().regex(/^[A-Z_][A-Z0-9_]*$/), variableValue).optional(),
  secrets: z.record(z.string().regex(/^[A-Z_][A-Z0-9_]*$/), secretValue).optional(),
  env_file: z.string().optional(),
  logging: logging.optional(),
  storage: storage.optional(),
  sidecars: z.record(z.string(), z.unknown()).optional(),
  taskdef_overrides: z.array(z.strictObject({ path: z.string(), value: z.unknown() })).optional(),
  publish: publish.optional(),
  observability: z.strictObject({ tracing: z.literal('awsxray') }).optional(),
};
const serviceFields = { ...taskFields, count: count.optional(), deployment: deployment.optional() };

function withEnvironments<S extends z.ZodRawShape>(type: string, shape: S) {
  const overridable = z.strictObject(shape).partial();
  return z.strictObject({
    name: z.string().regex(/^[a-z][a-z0-9-]*$/),
    type: z.literal(type),
    ...shape,
    environments: z.record(z.string(), overridable.nullable()).optional(),
  });
}

export const loadBalancedWebService = withEnvironments('Load Balanced Web Service', {
  ...serviceFields,
  http: http.optional(),
  nlb: z.record(z.string(), z.unknown()).optional(),
});
export const backendService = withEnvironments('Backend Service', {
  ...serviceFields,
  http: http.optional(),
});
export const workerService = withEnvironments('Worker Service', {
  ...serviceFields,
  subscribe: subscribe.optional(),
});
export const scheduledJob = withEnvironments('Scheduled Job', {
  ...taskFields,
  on: z.strictObject({ schedule: z.string().min(1) }).optional(),
  retries: z.number().int().min(0).max(10).optional(),
  timeout: duration.optional(),
});

const ingress = z.strictObject({
  source_ips: z.array(z.string()).optional(),
  cdn: z.boolean().optional(),
});
const lbConfig = z.strictObject({
  certificates: z.array(z.string()).optional(),
  ssl_policy: z.string().optional(),
  ingress: ingress.optional(),
  access_logs: z
    .union([
      z.boolean(),
      z.strictObject({ bucket_name: z.string().optional(), prefix: z.string().optional() }),
    ])
    .optional(),
  security_groups: z.record(z.string(), z.unknown()).optional(),
});
export const environment = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9-]*$/),
  type: z.literal('Environment'),
  network: z
    .strictObject({
      vpc: z
        .strictObject({
          id: z.string().optional(),
          cidr: z.string().optional(),
          subnets: z.record(z.string(), z.unknown()).optional(),
          security_group: z.record(z.string(), z.unknown()).optional(),
          flow_logs: z.union([z.boolean(), z.strictObject({ retention: z.number().int() })]).optional(),
        })
        .optional(),
    })
    .optional(),
  http: z
    .strictObject({
      public: lbConfig.optional(),
      private: lbConfig.extend({ subnets: z.array(z.string()).optional() }).optional(),
    })
    .optional(),
  cdn: z.union([z.boolean(), z.record(z.string(), z.unknown())]).optional(),
  observability: z
    .strictObject({ container_insights: z.union([z.boolean(), z.literal('enhanced')]) })
    .optional(),
});

const deploymentAction = z
  .strictObject({
    depends_on: z.array(z.string()).optional(),
    stack_name: z.string().optional(),
    template_path: z.string().optional(),
    template_config: z.string().optional(),
  })
  .nullable();
const buildAction = z.strictObject({ buildspec: z.string(), depends_on: z.array(z.string()).optional() });
export const pipeline = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9-]*$/),
  version: z.literal(1),
  source: z.strictObject({
    provider: z.enum(['GitHub', 'Bitbucket', 'CodeCommit']),
    properties: z.strictObject({
      branch: z.string(),
      repository: z.string(),
      connection_name: z.string().optional(),
      connection_arn: z.string().optional(),
      output_artifact_format: z.string().optional(),
    }),
  }),
  build: z
    .strictObject({
      image: z.string().optional(),
      buildspec: z.string().optional(),
      additional_policy: z.strictObject({ PolicyDocument: z.record(z.string(), z.unknown()) }).optional(),
    })
    .optional(),
  stages: z
    .array(
      z.strictObject({
        name: z.string(),
        requires_approval: z.boolean().optional(),
        test_commands: z.array(z.string()).optional(),
        deployments: z.record(z.string(), deploymentAction).optional(),
        pre_deployments: z.record(z.string(), buildAction).optional(),
        post_deployments: z.record(z.string(), buildAction).optional(),
      }),
    )
    .min(1),
});

export const workloadSchemas = {
  'Load Balanced Web Service': loadBalancedWebService,
  'Backend Service': backendService,
  'Worker Service': workerService,
  'Scheduled Job': scheduledJob,
} as const;
export type WorkloadType = keyof typeof workloadSchemas;
export type WorkerManifest = z.infer<typeof workerService>;
export type BackendManifest = z.infer<typeof backendService>;
export type PipelineManifest = z.infer<typeof pipeline>;
