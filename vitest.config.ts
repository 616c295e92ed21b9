import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: more parallel files only queue behind MariaDB and each other.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: { name: 'modules', include: ['src/**/*.test.ts'], sequence: { groupOrder: 0 } },
      },
      {
        // Cross-module and multi-process tests start many `regi` processes; run after the module tests,
        // one file at a time, so process start-ups do not starve each other (and their timeouts) on 2 cores.
        extends: true,
        test: {
          name: 'processes',
          include: ['test/**/*.test.ts'],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
