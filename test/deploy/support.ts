import { fileURLToPath } from 'node:url';
import { readCopilotApp, type CopilotApp } from '../../src/platform/deploy/copilot-app.ts';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const copilotRoot = fileURLToPath(new URL('../../copilot/', import.meta.url));

let cached: CopilotApp | undefined;
/** The repository's copilot/ folder, parsed once; tests mutate `structuredClone`s of it. */
export function copilotApp(): CopilotApp {
  cached ??= readCopilotApp(copilotRoot);
  return structuredClone(cached);
}

/** Parsed YAML navigated freely by the tests; the schemas check the shapes. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Yaml = any;

export function manifestOf(app: CopilotApp, workload: string): Yaml {
  const w = app.workloads[workload];
  if (!w) throw new Error(`no manifest for ${workload}`);
  return w.manifest as Yaml;
}
