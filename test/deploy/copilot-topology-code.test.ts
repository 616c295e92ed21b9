import { describe, expect, it } from 'vitest';
import { topology } from '../../src/platform/bus/topology.ts';
import { checkTopology } from '../../src/platform/deploy/topology-manifests.ts';
import { copilotApp } from './support.ts';

// The topology declared in code against the Copilot manifests: a manifest that differs fails here,
// and `npm run copilot:sync` rewrites the manifests from the code.
describe('Copilot manifests and the topology declared in code', () => {
  it('carry the same topics, queues, filter policies and dead-letter queues', () => {
    expect(checkTopology(topology, copilotApp())).toEqual([]);
  });
});
