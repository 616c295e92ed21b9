import { describe, expect, it } from 'vitest';
import { workloads } from './index.ts';
import { workloadNames } from './names.ts';

describe('workload registry', () => {
  it('has exactly the twelve workloads of the design, each loading under its own name', async () => {
    expect(workloadNames).toHaveLength(12);
    expect(Object.keys(workloads).sort()).toEqual([...workloadNames].sort());
    for (const name of workloadNames) {
      const w = await workloads[name]();
      expect(w.name).toBe(name);
      expect(w.kind).toBe(
        name.endsWith('web-app')
          ? 'web'
          : name.startsWith('job-')
            ? 'job'
            : name === 'backend-outbox'
              ? 'backend'
              : 'worker',
      );
    }
  });
});
