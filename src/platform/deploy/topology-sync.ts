import { parseDocument } from 'yaml';
import type { Topology } from '../bus/topology-types.ts';
import { expectedBlocks, PUBLISHER } from './topology-manifests.ts';

/**
 * Rewrites the topology-owned blocks of one manifest's YAML text (keeping its comments and every
 * other field): `publish.topics` of backend-outbox; `subscribe.topics`, queue timeout and
 * dead-letter tries of a worker. Returns the text unchanged for other workloads.
 */
export function syncManifestText(text: string, topology: Topology, workerNames: readonly string[]): string {
  const doc = parseDocument(text);
  const name = String(doc.get('name'));
  const expected = expectedBlocks(topology, workerNames);
  if (name === PUBLISHER) {
    doc.setIn(['publish', 'topics'], doc.createNode(expected.publishTopics));
  } else if (expected.workers[name]) {
    const w = expected.workers[name];
    doc.setIn(['subscribe', 'queue', 'timeout'], w.timeout);
    doc.setIn(['subscribe', 'queue', 'dead_letter', 'tries'], w.tries);
    doc.setIn(['subscribe', 'topics'], doc.createNode(w.topics));
  } else {
    return text;
  }
  return doc.toString({ lineWidth: 0 });
}
