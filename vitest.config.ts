import { defineConfig } from 'vitest/config';

// One vitest run covers every package. QEMU-backed tests are slow under TCG on two cores,
// so files run in at most two forks and each test may take up to a minute.
export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
