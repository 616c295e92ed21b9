#!/usr/bin/env node
// The `regi` command. In a checkout it runs the TypeScript sources through tsx; in the production
// image (no sources, no dev dependencies) it runs the compiled `dist/`.
import { existsSync } from 'node:fs';

const source = new URL('../src/cli.ts', import.meta.url);
let useSource = existsSync(source);
if (useSource) {
  try {
    const { register } = await import('tsx/esm/api');
    register();
  } catch {
    useSource = false;
  }
}
await import(useSource ? source.href : new URL('../dist/cli.js', import.meta.url).href);
