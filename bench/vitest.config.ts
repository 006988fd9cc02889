import { defineConfig } from 'vitest/config';

// `pnpm bench`: each bench/*.bench.ts measures something and writes a results table to bench/results/.
// Benchmarks never pass or fail on a number; they fail only when the thing measured does not work.
export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['bench/**/*.bench.ts'],
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 600_000,
  },
});
