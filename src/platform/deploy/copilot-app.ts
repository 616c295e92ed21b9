import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { parseCfnYaml } from './cfn-yaml.ts';
import type { Template } from './cfn-validate.ts';
import { environment, pipeline, workloadSchemas, type WorkloadType } from './copilot-schema.ts';

/**
 * The `copilot/` folder read into plain data: every manifest as parsed YAML, every addon template in
 * CloudFormation's JSON form. The checks are pure functions over this structure, so a test can
 * check a mutated copy without touching the files.
 */
export interface AddonFolder {
  /** Templates of the folder; Copilot merges them into one nested stack. */
  templates: { file: string; template: Template }[];
  /** addons.parameters.yml, if any: the values Copilot passes from the workload stack. */
  parameters?: Record<string, unknown>;
}
export interface CopilotApp {
  application: string;
  workloads: Record<string, { file: string; manifest: Record<string, unknown>; addons?: AddonFolder }>;
  environments: Record<string, { file: string; manifest: Record<string, unknown> }>;
  environmentAddons: AddonFolder;
  pipelines: Record<string, { file: string; manifest: Record<string, unknown> }>;
}

const readYaml = (file: string) =>
  parse(fs.readFileSync(file, 'utf8'), { uniqueKeys: true }) as Record<string, unknown>;

function readAddons(dir: string, root: string): AddonFolder | undefined {
  if (!fs.existsSync(dir)) return undefined;
  const files = fs
    .readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  const templates = files
    .filter((f) => !f.startsWith('addons.parameters.'))
    .map((f) => {
      const file = path.relative(root, path.join(dir, f));
      return { file, template: parseCfnYaml(fs.readFileSync(path.join(dir, f), 'utf8'), file) };
    });
  const params = files.find((f) => f.startsWith('addons.parameters.'));
  const parameters = params
    ? (parseCfnYaml(fs.readFileSync(path.join(dir, params), 'utf8')).Parameters as Record<string, unknown>)
    : undefined;
  return { templates, ...(parameters ? { parameters } : {}) };
}

export function readCopilotApp(root: string): CopilotApp {
  const workspace = readYaml(path.join(root, '.workspace'));
  const app: CopilotApp = {
    application: String(workspace.application),
    workloads: {},
    environments: {},
    environmentAddons: readAddons(path.join(root, 'environments', 'addons'), root) ?? { templates: [] },
    pipelines: {},
  };
  for (const entry of fs.readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === 'environments' || entry.name === 'pipelines') continue;
    const file = path.join(root, entry.name, 'manifest.yml');
    if (!fs.existsSync(file)) continue;
    const addons = readAddons(path.join(root, entry.name, 'addons'), root);
    app.workloads[entry.name] = {
      file: path.relative(root, file),
      manifest: readYaml(file),
      ...(addons ? { addons } : {}),
    };
  }
  for (const kind of ['environments', 'pipelines'] as const) {
    const dir = path.join(root, kind);
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name, 'manifest.yml');
      if (entry.isDirectory() && fs.existsSync(file))
        app[kind][entry.name] = { file: path.relative(root, file), manifest: readYaml(file) };
    }
  }
  return app;
}

/** Every manifest against the schema of its type; the folder name must be the manifest's name. */
export function checkManifestSchemas(app: CopilotApp): string[] {
  const problems: string[] = [];
  const report = (file: string, error: { issues: { path: PropertyKey[]; message: string }[] }) => {
    for (const issue of error.issues)
      problems.push(`${file}: ${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`);
  };
  for (const [folder, { file, manifest }] of Object.entries(app.workloads)) {
    const type = manifest.type as WorkloadType;
    const schema = workloadSchemas[type];
    if (!schema) {
      problems.push(`${file}: unknown workload type ${JSON.stringify(manifest.type)}`);
      continue;
    }
    const parsed = schema.safeParse(manifest);
    if (!parsed.success) report(file, parsed.error);
    if (manifest.name !== folder)
      problems.push(`${file}: name ${JSON.stringify(manifest.name)} differs from its folder`);
  }
  for (const [folder, { file, manifest }] of Object.entries(app.environments)) {
    const parsed = environment.safeParse(manifest);
    if (!parsed.success) report(file, parsed.error);
    if (manifest.name !== folder)
      problems.push(`${file}: name ${JSON.stringify(manifest.name)} differs from its folder`);
  }
  for (const { file, manifest } of Object.values(app.pipelines)) {
    const parsed = pipeline.safeParse(manifest);
    if (!parsed.success) report(file, parsed.error);
  }
  return problems;
}
