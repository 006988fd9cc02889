// Copies the files the toolchain reads at run time next to its compiled modules in dist/: the runtime's
// assembly and TypeScript sources (compiled by Toro's own compiler, not by tsc) and JSON tables.
import { cpSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const src = new URL('../src/', import.meta.url).pathname;
const dist = new URL('../dist/', import.meta.url).pathname;
const RUNTIME_LIB = join('compiler', 'runtime', 'lib');

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      walk(path);
      continue;
    }
    const rel = relative(src, path);
    const asset = name.endsWith('.asm') || name.endsWith('.json') || rel.startsWith(RUNTIME_LIB);
    if (asset) cpSync(path, join(dist, rel));
  }
}
walk(src);
