import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

/** In AWS the database URL is composed from a host (a CloudFormation export) and a Secrets Manager secret. */
describe('database URL from its parts', () => {
  const parts = {
    DATABASE_HOST: 'proxy.internal',
    DATABASE_USER: 'regi_app',
    DATABASE_PASSWORD: 'p@ss:/w#rd',
  };

  it('composes a MySQL URL with the password escaped', () => {
    const c = loadConfig(parts);
    expect(c.databaseUrl).toBe('mysql://regi_app:p%40ss%3A%2Fw%23rd@proxy.internal:3306/regi');
    expect(new URL(c.databaseUrl).password).toBe('p%40ss%3A%2Fw%23rd');
  });

  it('takes the port and database name', () => {
    const c = loadConfig({ ...parts, DATABASE_PORT: '3307', DATABASE_NAME: 'pos_staging' });
    expect(c.databaseUrl).toBe('mysql://regi_app:p%40ss%3A%2Fw%23rd@proxy.internal:3307/pos_staging');
  });

  it('refuses a host without a user, naming DATABASE_USER', () => {
    expect(() => loadConfig({ DATABASE_HOST: 'proxy.internal' })).toThrow(
      expect.objectContaining({ variable: 'DATABASE_USER' }),
    );
  });

  it('refuses a host together with DATABASE_URL', () => {
    let error: unknown;
    try {
      loadConfig({ ...parts, DATABASE_URL: 'mysql://root@db/regi' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe('DATABASE_HOST');
  });

  it('refuses a database name that would need quoting', () => {
    expect(() => loadConfig({ ...parts, DATABASE_NAME: 'regi;drop' })).toThrow(
      expect.objectContaining({ variable: 'DATABASE_NAME' }),
    );
  });

  it('reads DATABASE_TLS as a boolean and refuses anything else', () => {
    expect(loadConfig({}).DATABASE_TLS).toBe(false);
    expect(loadConfig({ DATABASE_TLS: 'true' }).DATABASE_TLS).toBe(true);
    expect(() => loadConfig({ DATABASE_TLS: 'yes' })).toThrow(
      expect.objectContaining({ variable: 'DATABASE_TLS' }),
    );
  });
});
