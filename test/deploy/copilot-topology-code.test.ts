import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Topology } from '../../src/platform/bus/topology-types.ts';
import { checkTopology } from '../../src/platform/deploy/topology-manifests.ts';
import { copilotApp } from './support.ts';

// The topology declared in code (the event backbone's `src/platform/bus/topology.ts`). On a branch
// without it this test is skipped; once it exists, a manifest that differs fails here, and
// `npm run copilot:sync` rewrites the manifests from it.
const file = new URL('../../src/platform/bus/topology.ts', import.meta.url);

describe.skipIf(!fs.existsSync(file))('Copilot manifests and the topology declared in code', () => {
  it('carry the same topics, queues, filter policies and dead-letter queues', async () => {
    const mod = (await import(file.href)) as { topology?: Topology; default?: Topology };
    const topology = mod.topology ?? mod.default;
    expect(topology, 'topology.ts exports `topology`').toBeDefined();
    expect(checkTopology(topology!, copilotApp())).toEqual([]);
  });
});
