import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // 2-core CI machines: keep the pool small so server-spawning tests do not starve each other.
    maxWorkers: 2,
  },
});
