import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { workloads } from '../../workloads/index.ts';
import { buildTopology } from './build-topology.ts';
import { defineEvent } from './events.ts';
import { onEvent } from './handler.ts';
import { topology } from './topology.ts';
import type { EventHandler } from './handler.ts';

describe('event topology', () => {
  it('has one topic per event family and a queue per worker subscribed to exactly its handlers', async () => {
    expect(topology.topics.map((t) => t.family)).toContain('tasks');
    for (const q of topology.queues) {
      const w = (await workloads[q.worker]()) as unknown as { start: unknown };
      expect(w).toBeTruthy();
      expect(q.maxReceiveCount).toBe(5);
      for (const s of q.subscriptions) {
        expect(topology.topics.map((t) => t.family)).toContain(s.family);
        expect(s.types.every((t) => t.startsWith(`${s.family}.`))).toBe(true);
      }
    }
    expect(topology.queues.find((q) => q.worker === 'worker-item')?.subscriptions).toEqual([
      { family: 'tasks', types: ['tasks.chunk_ready'] },
    ]);
  });

  it('refuses a handler of an event type nobody declared', () => {
    const declared = defineEvent('probe.declared', 1, z.object({}));
    const stray: EventHandler = { name: 'probe.stray', type: 'probe.undeclared', handle: async () => {} };
    expect(() => buildTopology([declared], { 'worker-item': [stray] })).toThrow(/not a declared event/);
    const ok = buildTopology([declared], { 'worker-item': [onEvent('probe.ok', declared, async () => {})] });
    expect(ok.queues[0]!.subscriptions).toEqual([{ family: 'probe', types: ['probe.declared'] }]);
  });

  it('refuses an event defined twice or named outside <family>.<name>', () => {
    expect(() => defineEvent('probe.declared', 1, z.object({}))).toThrow(/defined twice/);
    expect(() => defineEvent('NoFamily', 1, z.object({}))).toThrow(/family/);
  });
});
