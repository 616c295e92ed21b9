import { describe, expect, it } from 'vitest';
import { checkConfigCoverage } from '../../src/platform/deploy/config-coverage.ts';
import { copilotApp, manifestOf } from './support.ts';

describe('configuration in the Copilot manifests', () => {
  it('gives every workload in every environment what split mode requires, secrets by name only', () => {
    expect(checkConfigCoverage(copilotApp())).toEqual([]);
  });

  it('composes the database from the proxy host, Secrets Manager credentials and TLS', () => {
    const m = manifestOf(copilotApp(), 'worker-item');
    expect(m.variables.DATABASE_HOST.from_cfn).toMatch(/DatabaseProxyEndpoint$/);
    expect(m.variables.DATABASE_TLS).toBe('true');
    expect(m.secrets.DATABASE_PASSWORD.secretsmanager).toMatch(/\/database:password::$/);
    expect(m.variables.VALKEY_URL.from_cfn).toMatch(/ValkeyUrl$/);
  });

  it('fails when a workload lacks the database in one environment (a mutated copy)', () => {
    const app = copilotApp();
    manifestOf(app, 'job-daily-calculate').environments.customer = { secrets: { DATABASE_PASSWORD: null } };
    delete manifestOf(app, 'worker-notification').variables.VALKEY_URL;
    const problems = checkConfigCoverage(app);
    expect(problems).toContain(
      'job-daily-calculate/manifest.yml (customer): job-daily-calculate lacks a MySQL database: set DATABASE_URL or DATABASE_HOST + DATABASE_USER + DATABASE_PASSWORD',
    );
    expect(problems.filter((p) => p.includes('worker-notification'))).toHaveLength(4); // every environment
  });

  it('fails on a variable regi does not read, a secret among plain variables, and a secret value', () => {
    const app = copilotApp();
    const m = manifestOf(app, 'pos-web-app');
    m.variables.DATABSE_NAME = 'regi';
    m.variables.DATABASE_PASSWORD = 'hunter2';
    m.secrets.DATABASE_USER = 'admin user with spaces';
    const problems = checkConfigCoverage(app).filter((p) => p.includes('(staging)'));
    expect(problems).toEqual([
      'pos-web-app/manifest.yml (staging): DATABSE_NAME is not a variable regi reads',
      'pos-web-app/manifest.yml (staging): DATABASE_PASSWORD looks secret; declare it under secrets',
      'pos-web-app/manifest.yml (staging): DATABASE_PASSWORD is both a variable and a secret',
      'pos-web-app/manifest.yml (staging): secret DATABASE_USER must be a parameter or secret name, not a value',
    ]);
  });
});
