#!/usr/bin/env node
/**
 * `node dist/node/run.js [--cpus N] [--numa K] FILE.ts`: runs one TypeScript file (its folder as the
 * project) on the node backend and exits with its exit code. The SDK's own tests use it; users run
 * `toro dev`, which is the same engine behind the CLI.
 */
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runService } from './index.js';

const { values, positionals } = parseArgs({
  options: { cpus: { type: 'string', default: '1' }, numa: { type: 'string', default: '1' } },
  allowPositionals: true,
});
if (positionals.length !== 1) {
  process.stderr.write('usage: run.js [--cpus N] [--numa K] FILE.ts\n');
  process.exit(2);
}
const file = positionals[0];
const service = runService({
  root: dirname(resolve(file)),
  entry: resolve(file),
  cpus: Number(values.cpus),
  numa: Number(values.numa),
});
process.once('SIGINT', () => service.stop(130));
process.once('SIGTERM', () => service.stop(143));
const { code } = await service.exited;
process.exit(code);
