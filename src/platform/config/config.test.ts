import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('gives the embedded defaults when nothing is set', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ POS_PORT: 3000, EC_PORT: 3001, HOST: '127.0.0.1', LOG_LEVEL: 'info' });
    expect(c.databaseUrl).toBe('sqlite:data/regi.db');
    expect(c.VALKEY_URL).toBeUndefined();
  });

  it('derives the SQLite file from REGI_DATA_DIR', () => {
    expect(loadConfig({ REGI_DATA_DIR: '/srv/regi' }).databaseUrl).toBe('sqlite:/srv/regi/regi.db');
  });

  it('takes a MySQL URL and a Valkey URL', () => {
    const c = loadConfig({ DATABASE_URL: 'mysql://root@db:3306/regi', VALKEY_URL: 'rediss://cache:6379' });
    expect(c.databaseUrl).toBe('mysql://root@db:3306/regi');
    expect(c.VALKEY_URL).toBe('rediss://cache:6379');
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ POS_PORT: '', VALKEY_URL: '' })).toMatchObject({
      POS_PORT: 3000,
      VALKEY_URL: undefined,
    });
  });

  it('reads the JSON maps Copilot or an operator put in one variable', () => {
    const c = loadConfig({
      COPILOT_SNS_TOPIC_ARNS: '{"sales": "arn:aws:sns:ap-northeast-1:1:pos-sales.fifo"}',
      BUS_QUEUE_URLS: ' ',
    });
    expect(c.COPILOT_SNS_TOPIC_ARNS).toEqual({ sales: 'arn:aws:sns:ap-northeast-1:1:pos-sales.fifo' });
    expect(c.BUS_QUEUE_URLS).toBeUndefined();
    for (const [name, value] of [
      ['BUS_QUEUE_URLS', '{"worker-item": "not a url"}'],
      ['BUS_QUEUE_URLS', '[not json'],
      ['COPILOT_SNS_TOPIC_ARNS', '["an array"]'],
    ] as const) {
      const error = (() => {
        try {
          loadConfig({ [name]: value });
        } catch (e) {
          return e as ConfigError;
        }
      })();
      expect(error?.variable).toBe(name);
      expect(error?.message).toContain('must be a JSON object of');
    }
  });

  it.each([
    ['POS_PORT', 'abc'],
    ['EC_PORT', '70000'],
    ['DATABASE_URL', 'postgres://x'],
    ['VALKEY_URL', 'http://cache'],
    ['LOG_LEVEL', 'loud'],
    ['DATABASE_POOL_SIZE', '0'],
  ])('rejects %s=%s naming the variable', (name, value) => {
    let error: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(name);
    expect((error as Error).message).toMatch(
      new RegExp(`^invalid configuration: ${name} .+\\(got "${value}"\\)$`),
    );
  });
});
