import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkManifestSchemas } from '../../src/platform/deploy/copilot-app.ts';
import { workloads } from '../../src/workloads/index.ts';
import { workloadNames } from '../../src/workloads/names.ts';
import { copilotApp, copilotRoot, manifestOf, type Yaml } from './support.ts';

const copilotType = {
  web: 'Load Balanced Web Service',
  backend: 'Backend Service',
  worker: 'Worker Service',
  job: 'Scheduled Job',
};
const ENVIRONMENTS = ['customer', 'production', 'public', 'staging'];

describe('Copilot manifests', () => {
  it('belong to application pos', () => {
    expect(copilotApp().application).toBe('pos');
  });

  it('parse and use only fields of the Copilot manifest spec for their type', () => {
    expect(checkManifestSchemas(copilotApp())).toEqual([]);
  });

  it('reject a field Copilot does not know (a mutated copy)', () => {
    const app = copilotApp();
    manifestOf(app, 'worker-item').subscribe.queue.dead_letters = { tries: 5 };
    manifestOf(app, 'pos-web-app').http.healthcheck.intervall = '10s';
    const problems = checkManifestSchemas(app);
    expect(problems).toEqual([
      expect.stringMatching(/pos-web-app\/manifest\.yml: http.*intervall/),
      expect.stringMatching(/worker-item\/manifest\.yml: subscribe\.queue.*dead_letters/),
    ]);
  });

  it('are exactly the twelve workloads of the code, each with the Copilot type of its kind', async () => {
    const app = copilotApp();
    expect(Object.keys(app.workloads).sort()).toEqual([...workloadNames].sort());
    for (const name of workloadNames) {
      const w = await workloads[name]();
      expect(manifestOf(app, name).type, name).toBe(copilotType[w.kind]);
    }
  });

  it('start their own workload from the one image', () => {
    const app = copilotApp();
    for (const name of workloadNames) {
      const m = manifestOf(app, name);
      expect(m.command, name).toEqual(['run', name]);
      expect(m.image.location, name).toBe('${REGI_IMAGE}');
      expect(m.image.build, name).toBeUndefined();
    }
  });

  it('run every task in private subnets', () => {
    const app = copilotApp();
    for (const name of workloadNames)
      expect(manifestOf(app, name).network?.vpc?.placement, name).toBe('private');
  });

  it('keep workers at the seed size 256/512, and give any larger task a reason', () => {
    const app = copilotApp();
    for (const name of workloadNames) {
      const m = manifestOf(app, name);
      if (name.startsWith('worker-')) expect([m.cpu, m.memory], name).toEqual([256, 512]);
      else if (m.cpu > 256 || m.memory > 512) {
        const lines = fs.readFileSync(path.join(copilotRoot, app.workloads[name]!.file), 'utf8').split('\n');
        const cpu = lines.findIndex((l) => l.startsWith('cpu:'));
        expect(lines[cpu - 1], `${name}: the line above cpu says why`).toMatch(
          /^# Raised from 256\/512: .{20,}/,
        );
      }
    }
  });

  it('check the web apps on /healthz (no database) and scale them on CPU; the shop has its own alias', () => {
    const app = copilotApp();
    for (const name of ['pos-web-app', 'ec-web-app']) {
      const m = manifestOf(app, name);
      expect(m.http.healthcheck.path).toBe('/healthz');
      expect(m.count.cpu_percentage).toBeGreaterThan(0);
    }
    expect(manifestOf(app, 'ec-web-app').http.alias).not.toBe(manifestOf(app, 'pos-web-app').http.alias);
    expect(manifestOf(app, 'pos-web-app').image.port).toBe(3000);
    expect(manifestOf(app, 'ec-web-app').image.port).toBe(3001);
  });

  it('give workers and the relay a container health check on their probe port, and scale workers on backlog', () => {
    const app = copilotApp();
    for (const name of workloadNames.filter((n) => n.startsWith('worker-') || n === 'backend-outbox')) {
      const m = manifestOf(app, name);
      const port = m.variables.HEALTH_PORT;
      expect(port, name).toMatch(/^\d+$/);
      expect(m.image.healthcheck.command.join(' '), name).toContain(`127.0.0.1:${port}/healthz`);
      if (name.startsWith('worker-')) expect(m.count.queue_delay, name).toBeDefined();
    }
  });

  it('let EventBridge Scheduler feed worker-scheduled: content-based deduplication on its FIFO queue', () => {
    // Scheduler cannot set a deduplication id; without this every tick would be rejected.
    const queue = manifestOf(copilotApp(), 'worker-scheduled').subscribe.queue;
    expect(queue.fifo.content_based_deduplication).toBe(true);
    const schedules = copilotApp().workloads['worker-scheduled']!.addons!.templates.find((t) =>
      t.file.endsWith('schedules.yml'),
    )!;
    const targets = Object.values(schedules.template.Resources as Record<string, Yaml>)
      .filter((r) => r.Type === 'AWS::Scheduler::Schedule')
      .map((r) => r.Properties.Target);
    expect(targets.length).toBeGreaterThan(0);
    for (const t of targets) {
      expect(t.Arn).toEqual({ Ref: 'EventsQueueArn' });
      expect(t.SqsParameters.MessageGroupId).toBeTruthy();
      expect(JSON.parse(t.Input)).toMatchObject({
        type: 'scheduled.tick',
        executionId: '<aws.scheduler.execution-id>',
      });
      expect(t.DeadLetterConfig.Arn).toEqual({ 'Fn::GetAtt': ['ScheduleDeadLetterQueue', 'Arn'] });
    }
  });

  it('schedule the jobs after midnight JST with retries and a timeout', () => {
    const app = copilotApp();
    for (const name of ['job-daily-calculate', 'job-ensure-consistency']) {
      const m = manifestOf(app, name);
      const [minute, hour] = String(m.on.schedule).split(' ').map(Number);
      const jst = ((hour! + 9) % 24) * 60 + minute!;
      expect(jst, name).toBeGreaterThan(0);
      expect(jst, name).toBeLessThan(4 * 60); // before the 04:00 JST backup window
      expect(m.retries, name).toBeGreaterThanOrEqual(1);
      expect(m.timeout, name).toMatch(/^\d+[mh]$/);
    }
  });

  it('keep logs 7 days in staging and 30 elsewhere', () => {
    const app = copilotApp();
    for (const name of workloadNames) {
      const m = manifestOf(app, name);
      expect(m.logging.retention, name).toBe(30);
      expect(m.environments.staging.logging.retention, name).toBe(7);
    }
  });

  it('declare the four environments, Container Insights off only in staging', () => {
    const app = copilotApp();
    expect(Object.keys(app.environments).sort()).toEqual(ENVIRONMENTS);
    for (const env of ENVIRONMENTS)
      expect((app.environments[env]!.manifest as Yaml).observability.container_insights, env).toBe(
        env !== 'staging',
      );
  });
});

describe('worker-scheduled in AWS', () => {
  it('has one EventBridge Scheduler entry per periodic kind declared in code, with its cron and time zone', async () => {
    const { schedules } = await import('../../src/workloads/schedules.ts');
    const addon = copilotApp().workloads['worker-scheduled']!.addons!.templates.find((t) =>
      t.file.endsWith('schedules.yml'),
    )!;
    const entries = Object.values(addon.template.Resources as Record<string, Yaml>)
      .filter((r) => r.Type === 'AWS::Scheduler::Schedule')
      .map((r) => ({
        kind: JSON.parse(r.Properties.Target.Input).schedule,
        cron: r.Properties.ScheduleExpression,
        timeZone: r.Properties.ScheduleExpressionTimezone,
      }))
      .sort((a, b) => a.kind.localeCompare(b.kind));
    // EventBridge cron: minute hour day-of-month month day-of-week year, with `?` for "any day of week".
    const expected = schedules
      .filter((k) => k.cron)
      .map((k) => {
        const [m, h, dom, mon, dow] = k.cron!.split(' ');
        return {
          kind: k.kind,
          cron: `cron(${m} ${h} ${dom} ${mon} ${dow === '*' ? '?' : dow} *)`,
          timeZone: k.timeZone ?? 'Asia/Tokyo',
        };
      })
      .sort((a, b) => a.kind.localeCompare(b.kind));
    expect(entries).toEqual(expected);
  });
});
