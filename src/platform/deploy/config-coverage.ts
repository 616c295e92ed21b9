import { configVariables, splitModeRequirements } from '../config/config.ts';
import type { CopilotApp } from './copilot-app.ts';

/**
 * Every workload, in every environment, is given what `regi run` needs in split mode
 * (`splitModeRequirements`), as a variable or a secret. Also: only variables regi reads (a typo is
 * a silent default otherwise), secrets by name only, and nothing secret-looking among the plain
 * variables. Environment overrides are applied the way Copilot applies them (per key).
 */
const SECRET_NAME = /PASSWORD|SECRET|TOKEN|PRIVATE|API_KEY/;
/** A secret reference: an SSM parameter name, or `secretsmanager:` name/ARN with an optional JSON key. */
const SECRET_REFERENCE = /^(\/?[A-Za-z0-9_.\-/${}]+|arn:aws:(ssm|secretsmanager):[^\s]+)$/;
const SECRETS_MANAGER_REFERENCE = /^[A-Za-z0-9_.\-/${}:+=@]+$/;

type Settings = Record<string, unknown>;

export function effectiveSettings(
  manifest: Record<string, unknown>,
  env: string,
): { variables: Settings; secrets: Settings } {
  const override =
    ((manifest.environments as Record<string, Record<string, unknown> | null> | undefined) ?? {})[env] ?? {};
  // A key overridden with an empty value is not set in that environment.
  const set = (o: Settings) =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined && v !== ''));
  return {
    variables: set({ ...(manifest.variables as Settings), ...(override.variables as Settings) }),
    secrets: set({ ...(manifest.secrets as Settings), ...(override.secrets as Settings) }),
  };
}

export function checkConfigCoverage(app: CopilotApp): string[] {
  const problems: string[] = [];
  const known = new Set(Object.keys(configVariables));
  const envs = Object.keys(app.environments);
  for (const [name, { file, manifest }] of Object.entries(app.workloads)) {
    for (const env of envs) {
      const { variables, secrets } = effectiveSettings(manifest, env);
      const set = new Set([...Object.keys(variables), ...Object.keys(secrets)]);
      for (const req of splitModeRequirements)
        if (!req.anyOf.some((option) => option.every((v) => set.has(v))))
          problems.push(
            `${file} (${env}): ${name} lacks ${req.need}: set ${req.anyOf.map((o) => o.join(' + ')).join(' or ')}`,
          );
      for (const v of set)
        if (!known.has(v)) problems.push(`${file} (${env}): ${v} is not a variable regi reads`);
      for (const v of Object.keys(variables)) {
        if (SECRET_NAME.test(v))
          problems.push(`${file} (${env}): ${v} looks secret; declare it under secrets`);
        if (v in secrets) problems.push(`${file} (${env}): ${v} is both a variable and a secret`);
      }
      for (const [v, ref] of Object.entries(secrets)) {
        const ok =
          (typeof ref === 'string' && SECRET_REFERENCE.test(ref)) ||
          (typeof ref === 'object' &&
            ref !== null &&
            (('secretsmanager' in ref && SECRETS_MANAGER_REFERENCE.test(String(ref.secretsmanager))) ||
              'from_cfn' in ref));
        if (!ok)
          problems.push(`${file} (${env}): secret ${v} must be a parameter or secret name, not a value`);
      }
    }
  }
  return problems;
}
