import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configVariables } from './config.ts';

describe('README configuration table', () => {
  const readme = fs.readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const table = readme.slice(readme.indexOf('<!-- config:start'), readme.indexOf('<!-- config:end'));

  it('documents every variable the config reads, and no other', () => {
    const documented = [...table.matchAll(/^\|\s*`([A-Z_]+)`\s*\|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(Object.keys(configVariables).sort());
  });
});
