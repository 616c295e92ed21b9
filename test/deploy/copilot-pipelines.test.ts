import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { workloadNames } from '../../src/workloads/names.ts';
import { copilotApp, repoRoot, type Yaml } from './support.ts';

type Stage = {
  name: string;
  requires_approval?: boolean;
  deployments: Record<string, { depends_on?: string[] } | null>;
  pre_deployments?: Record<string, { buildspec: string }>;
};
const pipelines = () =>
  Object.values(copilotApp().pipelines).map((p) => ({ file: p.file, ...(p.manifest as Yaml) }));

/** Everything a deployment waits for, directly or through others. */
function ancestors(stage: Stage, name: string, seen = new Set<string>()): Set<string> {
  for (const d of stage.deployments[name]?.depends_on ?? [])
    if (!seen.has(d)) ancestors(stage, d, seen.add(d));
  return seen;
}

describe('Copilot pipelines', () => {
  it('cover the staging, production (+ public) and customer environments', () => {
    const stages = pipelines().flatMap((p) => p.stages.map((s: Stage) => s.name));
    expect(stages.sort()).toEqual(['customer', 'production', 'public', 'staging']);
  });

  it('deploy all twelve workloads in every stage, with no unknown name in depends_on', () => {
    for (const p of pipelines())
      for (const s of p.stages as Stage[]) {
        expect(Object.keys(s.deployments).sort(), `${p.file} ${s.name}`).toEqual([...workloadNames].sort());
        for (const d of Object.values(s.deployments))
          for (const dep of d?.depends_on ?? []) expect(workloadNames, p.file).toContain(dep);
      }
  });

  it('deploy the topic publisher before the subscribing workers, and those before the jobs and the web apps', () => {
    for (const p of pipelines())
      for (const s of p.stages as Stage[]) {
        for (const w of workloadNames.filter((n) => n.startsWith('worker-')))
          expect(ancestors(s, w)).toContain('backend-outbox');
        for (const later of ['job-daily-calculate', 'job-ensure-consistency', 'pos-web-app', 'ec-web-app'])
          for (const w of workloadNames.filter((n) => n.startsWith('worker-')))
            expect(ancestors(s, later), later).toContain(w);
        for (const web of ['pos-web-app', 'ec-web-app'])
          expect(ancestors(s, web)).toEqual(expect.objectContaining({ size: workloadNames.length - 2 }));
      }
  });

  it('migrate once per stage before any workload, with a buildspec that exists and runs `regi migrate`', () => {
    for (const p of pipelines())
      for (const s of p.stages as Stage[]) {
        const pre = Object.values(s.pre_deployments ?? {});
        expect(pre, `${p.file} ${s.name}`).toHaveLength(1);
        const buildspec = fs.readFileSync(path.join(repoRoot, pre[0]!.buildspec), 'utf8');
        expect(parse(buildspec).version).toBe(0.2);
        expect(buildspec).toMatch(/--command "migrate"/);
        expect(buildspec).toMatch(/--follow/); // a failed migration fails the action
      }
  });

  it('ask for a manual approval before production, public and customer, not before staging', () => {
    for (const p of pipelines())
      for (const s of p.stages as Stage[])
        expect(s.requires_approval === true, s.name).toBe(s.name !== 'staging');
  });

  it('test and build the image once (staging) and only promote it elsewhere', () => {
    for (const p of pipelines()) {
      const buildspec = fs.readFileSync(path.join(repoRoot, p.build.buildspec), 'utf8');
      const builds = /docker build/.test(buildspec);
      expect(builds, p.file).toBe(p.name === 'pos-staging');
      if (builds) expect(buildspec).toMatch(/npm ci[^\n]*\n\s*- CI=true npm test/);
      else expect(buildspec).toMatch(/aws ecr describe-images/);
    }
  });

  it('pin the Copilot CLI and verify its checksum before use', () => {
    const tools = fs.readFileSync(path.join(repoRoot, 'copilot/pipelines/tools.sh'), 'utf8');
    expect(tools).toMatch(/sha256sum -c/);
    expect(fs.readFileSync(path.join(repoRoot, 'copilot/pipelines/settings.env'), 'utf8')).toMatch(
      /^COPILOT_VERSION=v\d+\.\d+\.\d+$/m,
    );
  });
});
