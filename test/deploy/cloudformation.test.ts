import { beforeAll, describe, expect, it } from 'vitest';
import {
  mergeTemplates,
  validateTemplate,
  type CfnSpec,
  type Template,
} from '../../src/platform/deploy/cfn-validate.ts';
import { loadCfnSpec } from '../../src/platform/deploy/cfn-spec.ts';
import { checkDeadLetterAlarms, checkTemplateRules } from '../../src/platform/deploy/cfn-rules.ts';
import { parseCfnYaml } from '../../src/platform/deploy/cfn-yaml.ts';
import type { AddonFolder } from '../../src/platform/deploy/copilot-app.ts';
import { copilotApp, type Yaml } from './support.ts';

let spec: CfnSpec;
beforeAll(async () => {
  spec = await loadCfnSpec();
});

/** Every addons folder of the application, each merged as Copilot deploys it (one stack per folder). */
function addonFolders(): [string, AddonFolder][] {
  const app = copilotApp();
  return [
    ['environments/addons', app.environmentAddons],
    ...Object.entries(app.workloads)
      .filter(([, w]) => w.addons)
      .map(([name, w]) => [`${name}/addons`, w.addons!] as [string, AddonFolder]),
  ];
}
const merged = (folder: AddonFolder) => mergeTemplates(folder.templates);
const envStack = (): Yaml => merged(copilotApp().environmentAddons).template;
const problemsOf = (t: Template) => [
  ...validateTemplate(t, spec, 't'),
  ...checkTemplateRules(t, 't'),
  ...checkDeadLetterAlarms(t, 't'),
];

describe('addon templates', () => {
  it('are valid CloudFormation against the resource specification', () => {
    const folders = addonFolders();
    expect(folders.map(([name]) => name)).toEqual(
      expect.arrayContaining([
        'environments/addons',
        'pos-web-app/addons',
        'worker-scheduled/addons',
        'worker-item/addons',
      ]),
    );
    for (const [name, folder] of folders) {
      const { template, problems } = merged(folder);
      expect([...problems, ...validateTemplate(template, spec, name)], name).toEqual([]);
    }
  });

  it('follow our rules: encryption, TLS, nothing public, no CIDR ingress, alarms that notify', () => {
    for (const [name, folder] of addonFolders())
      expect(checkTemplateRules(merged(folder).template, name), name).toEqual([]);
  });

  it('pass only parameters the workload stack has (addons.parameters.yml) to declared parameters', () => {
    for (const [name, folder] of addonFolders()) {
      const declared = Object.keys((merged(folder).template.Parameters as object) ?? {});
      for (const p of Object.keys(folder.parameters ?? {})) expect(declared, `${name}: ${p}`).toContain(p);
    }
  });

  it('watch every dead-letter queue: each worker DLQ and the scheduler DLQ have an alarm', () => {
    const app = copilotApp();
    const workers = Object.keys(app.workloads).filter((n) => n.startsWith('worker-'));
    for (const w of workers) {
      const folder = app.workloads[w]!.addons;
      expect(folder, `${w} has addons`).toBeDefined();
      expect(folder!.parameters?.DeadLetterQueueName, w).toEqual({
        'Fn::GetAtt': ['DeadLetterQueue', 'QueueName'],
      });
      expect(checkDeadLetterAlarms(merged(folder!).template, w), w).toEqual([]);
    }
  });

  it('export what the manifests import with from_cfn', () => {
    const exports = Object.values(envStack().Outputs as Record<string, Yaml>).map(
      (o) => o.Export?.Name?.['Fn::Sub'],
    );
    const app = copilotApp();
    const imported = new Set<string>();
    for (const w of Object.values(app.workloads))
      for (const v of Object.values({
        ...(w.manifest.variables as object),
        ...(w.manifest.secrets as object),
      }) as Yaml[])
        if (v?.from_cfn)
          imported.add(
            String(v.from_cfn)
              .replace('${COPILOT_APPLICATION_NAME}', '${App}')
              .replace('${COPILOT_ENVIRONMENT_NAME}', '${Env}'),
          );
    expect(imported.size).toBeGreaterThan(0);
    for (const name of imported) expect(exports).toContain(name);
  });

  it('size Aurora as the seed says: one t4g.medium writer in staging, r8g writer + readers 1-3 elsewhere', () => {
    const t = envStack().Resources;
    expect(t.DatabaseWriter.Properties.DBInstanceClass).toEqual({
      'Fn::If': ['IsStaging', 'db.t4g.medium', 'db.r8g.large'],
    });
    expect(t.DatabaseReader.Condition).toBe('HasReaders');
    expect([
      t.ReaderScalingTarget.Properties.MinCapacity,
      t.ReaderScalingTarget.Properties.MaxCapacity,
    ]).toEqual([1, 3]);
    expect(t.DatabaseCluster.Properties.EngineVersion).toMatch(/^8\.0\.mysql_aurora\./);
    expect(t.ValkeyCache.Properties).toMatchObject({ Engine: 'valkey', MajorEngineVersion: '8' });
  });

  it('alarm on DB CPU, replica lag, web 5xx rate and outbox lag into the alert topic, with a dashboard', () => {
    const resources = envStack().Resources as Record<string, Yaml>;
    const alarms = Object.values(resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
    const watched = alarms.map(
      (a) => a.Properties.MetricName ?? a.Properties.Metrics?.[0]?.MetricStat?.Metric?.MetricName,
    );
    expect(watched).toEqual(
      expect.arrayContaining([
        'CPUUtilization',
        'AuroraReplicaLagMaximum',
        'HttpServerErrors',
        'OutboxLagSeconds',
      ]),
    );
    for (const a of alarms) expect(a.Properties.AlarmActions).toEqual([{ Ref: 'AlertTopic' }]);
    expect(Object.values(resources).some((r) => r.Type === 'AWS::CloudWatch::Dashboard')).toBe(true);
  });

  it('has a dashboard body that is valid JSON once CloudFormation substitutes it', () => {
    const dashboard = Object.values(envStack().Resources as Record<string, Yaml>).find(
      (r) => r.Type === 'AWS::CloudWatch::Dashboard',
    )!;
    const [body, vars] = dashboard.Properties.DashboardBody['Fn::Sub'] as [string, Record<string, unknown>];
    const known = new Set(['AWS::Region', 'App', 'Env', ...Object.keys(vars)]);
    const substituted = body.replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
      expect(known, name).toContain(name);
      return 'x';
    });
    const parsed = JSON.parse(substituted) as { widgets: { properties: { metrics: unknown[] } }[] };
    expect(parsed.widgets.length).toBeGreaterThanOrEqual(6);
    for (const w of parsed.widgets) expect(w.properties.metrics.length).toBeGreaterThan(0);
  });

  describe('fail on a drifted template (mutated copies)', () => {
    const mutated = (mutate: (t: Yaml) => void) => {
      const t = structuredClone(envStack());
      mutate(t);
      return problemsOf(t);
    };

    it('unencrypted database storage', () => {
      expect(mutated((t) => delete t.Resources.DatabaseCluster.Properties.StorageEncrypted)).toEqual([
        't: DatabaseCluster: StorageEncrypted must be true',
      ]);
    });

    it('a proxy that accepts plain connections', () => {
      expect(mutated((t) => (t.Resources.DatabaseProxy.Properties.RequireTLS = false))).toEqual([
        't: DatabaseProxy: RequireTLS must be true',
      ]);
    });

    it('ingress from 0.0.0.0/0 to the cache', () => {
      const problems = mutated((t) =>
        t.Resources.CacheSecurityGroup.Properties.SecurityGroupIngress.push({
          IpProtocol: 'tcp',
          FromPort: 6379,
          ToPort: 6379,
          CidrIp: '0.0.0.0/0',
        }),
      );
      expect(problems).toEqual([
        't: CacheSecurityGroup: ingress from 0.0.0.0/0 to a data store',
        't: CacheSecurityGroup: ingress must name a source security group',
      ]);
    });

    it('a public bucket', () => {
      expect(
        mutated(
          (t) =>
            (t.Resources.FilesBucket.Properties.PublicAccessBlockConfiguration.BlockPublicPolicy = false),
        ),
      ).toEqual(['t: FilesBucket: PublicAccessBlockConfiguration.BlockPublicPolicy must be true']);
    });

    it('a misspelt property, a missing required one, a Ref to nothing and an unknown attribute', () => {
      const problems = mutated((t) => {
        t.Resources.ValkeyCache.Properties.MajorEngineVersio = '8';
        delete t.Resources.ValkeyCache.Properties.Engine;
        t.Resources.DatabaseProxy.Properties.RoleArn = { 'Fn::GetAtt': ['DatabaseProxyRole', 'Arm'] };
        t.Resources.DatabaseWriter.Properties.DBClusterIdentifier = { Ref: 'DatabaseClustr' };
      });
      expect(problems).toEqual([
        't: Resources.ValkeyCache.Properties: required property "Engine" is missing',
        't: Resources.ValkeyCache.Properties: unknown property "MajorEngineVersio"',
        't: Resources.DatabaseWriter.Properties.DBClusterIdentifier: Ref to unknown "DatabaseClustr"',
        't: Resources.DatabaseProxy.Properties.RoleArn: AWS::IAM::Role has no attribute "Arm"',
      ]);
    });

    it('a nested property the type does not have', () => {
      expect(mutated((t) => (t.Resources.DatabaseProxy.Properties.Auth[0].IamAuth = 'DISABLED'))).toEqual([
        't: Resources.DatabaseProxy.Properties.Auth[0]: unknown property "IamAuth"',
      ]);
    });

    it('a dead-letter queue without its alarm', () => {
      const app = copilotApp();
      const t: Yaml = structuredClone(merged(app.workloads['worker-scheduled']!.addons!).template);
      delete t.Resources.DeadLetterAlarm;
      expect(checkDeadLetterAlarms(t, 't')).toEqual([
        't: dead-letter queue {"Ref":"DeadLetterQueueName"} has no alarm on ApproximateNumberOfMessagesVisible > 0',
      ]);
    });

    it('a secret value written into a template', () => {
      expect(
        mutated((t) => (t.Resources.DatabaseSecret.Properties.SecretString = '{"password":"x"}')),
      ).toEqual([
        't: DatabaseSecret: SecretString puts a secret value in the repo; use GenerateSecretString',
      ]);
    });
  });

  it("let the operations tools find every worker's Copilot-named queue, and only the API redrive", () => {
    const app = copilotApp();
    const actionsOf = (workload: string) => {
      const t = merged(app.workloads[workload]!.addons!).template;
      const [policy] = Object.values(t.Resources as Yaml).filter(
        (r: Yaml) => r.Type === 'AWS::IAM::ManagedPolicy',
      ) as Yaml[];
      expect(t.Outputs, workload).toBeDefined(); // Copilot attaches an output managed policy
      return (policy!.Properties.PolicyDocument.Statement as Yaml[]).flatMap((s) => [s.Action].flat());
    };
    const find = ['sqs:ListQueues', 'sqs:ListQueueTags', 'sqs:GetQueueAttributes'];
    expect(actionsOf('pos-web-app')).toEqual(
      expect.arrayContaining([...find, 'sqs:ReceiveMessage', 'sqs:SendMessage', 'kms:Decrypt']),
    );
    expect(actionsOf('job-ensure-consistency')).toEqual(expect.arrayContaining(find));
    expect(actionsOf('job-ensure-consistency')).not.toContain('sqs:SendMessage');
  });

  it('parses the short tags of CloudFormation YAML', () => {
    const t = parseCfnYaml(
      'A: !Sub "${X}"\nB: !GetAtt R.Endpoint.Address\nC: !If [c, !Ref Y, !Ref AWS::NoValue]\nD: !Condition c\n',
    );
    expect(t).toEqual({
      A: { 'Fn::Sub': '${X}' },
      B: { 'Fn::GetAtt': ['R', 'Endpoint.Address'] },
      C: { 'Fn::If': ['c', { Ref: 'Y' }, { Ref: 'AWS::NoValue' }] },
      D: { Condition: 'c' },
    });
    expect(() => parseCfnYaml('A: !Reff x\n')).toThrow(/unknown tag !Reff/);
  });
});
