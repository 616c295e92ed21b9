import fs from 'node:fs';
import path from 'node:path';
import { validate } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';
import { checkDockerfileRules } from '../../src/platform/deploy/dockerfile-rules.ts';
import { repoRoot } from './support.ts';

const dockerfile = fs.readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8');
const lint = (text: string) => validate(text).map((d) => `line ${d.range.start.line + 1}: ${d.message}`);

describe('the Dockerfile', () => {
  it('passes the dockerfile-utils linter', () => {
    expect(lint(dockerfile)).toEqual([]);
  });

  it('follows our rules: multi-stage, pinned base, non-root, production dependencies only, exec form', () => {
    expect(checkDockerfileRules(dockerfile)).toEqual([]);
  });

  it('builds from what the .dockerignore lets in: no .env, data, copilot or tests', () => {
    const ignore = fs.readFileSync(path.join(repoRoot, '.dockerignore'), 'utf8').split('\n');
    expect(ignore[ignore.findIndex((l) => !l.startsWith('#'))]).toBe('*');
    const allowed = ignore.filter((l) => l.startsWith('!')).map((l) => l.slice(1).replace(/\/$/, ''));
    expect(allowed.sort()).toEqual([
      'bin',
      'package-lock.json',
      'package.json',
      'src',
      'tsconfig.build.json',
      'tsconfig.json',
      'web/pos',
    ]);
    for (const source of [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) =>
      m[1]!.split(' '),
    ))
      expect(allowed, `COPY ${source}`).toContain(source.replace(/\/$/, ''));
  });

  describe('fails when it drifts (mutated copies)', () => {
    it('the runtime stage runs as root', () => {
      expect(checkDockerfileRules(dockerfile.replace(/^USER node$/m, ''))).toEqual([
        'the runtime stage must switch to a non-root USER',
      ]);
    });

    it('an unpinned base image', () => {
      expect(
        checkDockerfileRules(dockerfile.replace(/node:\d+\.\d+\.\d+-bookworm-slim/, 'node:lts-slim')),
      ).toEqual([
        'base image node:lts-slim must be pinned to an exact version or digest',
        'base image node:lts-slim must be pinned to an exact version or digest',
        'base image node:lts-slim must be pinned to an exact version or digest',
      ]);
    });

    it('dev dependencies in the image, a shell-form command and a secret in ENV', () => {
      const text = dockerfile
        .replace('npm ci --omit=dev --no-audit', 'npm ci --no-audit')
        .replace('ENTRYPOINT ["node", "bin/regi.js"]', 'ENTRYPOINT node bin/regi.js')
        .replace('HOST=0.0.0.0', 'HOST=0.0.0.0 DATABASE_PASSWORD=x');
      expect(checkDockerfileRules(text)).toEqual([
        'node_modules of the runtime image must come from `npm ci --omit=dev`',
        'ENTRYPOINT must use the exec form (JSON array) so signals reach node',
        expect.stringMatching(/^line \d+: ENV must not carry secrets$/),
      ]);
    });

    it('a single-stage build', () => {
      expect(checkDockerfileRules('FROM node:24.11.1-slim\nUSER node\nCMD ["node"]\n')).toEqual([
        'multi-stage build expected (build tools must not reach the runtime image)',
      ]);
    });

    it('an instruction the linter rejects', () => {
      expect(lint(dockerfile + '\nEXPOSE http\n')).toEqual([
        expect.stringMatching(/Invalid containerPort: http/),
      ]);
    });
  });
});
