/**
 * Module resolution beyond relative files (../../src/compiler/README.md "Modules"): the project's
 * tsconfig `paths`, a workspace package whose package.json points at its TypeScript, and one that
 * ships compiled JavaScript with declarations but also its `src/index.ts`. The program is built in
 * a temp folder, compiled, run, and must print what its sources compute.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { buildExecutable, runExecutable } from './harness.js';

const dir = mkdtempSync(path.join(tmpdir(), 'toro-modules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(file: string, text: string): void {
  mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  writeFileSync(path.join(dir, file), text);
}

test('tsconfig paths and workspace packages with TypeScript sources resolve', () => {
  write(
    'app/tsconfig.json',
    JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@lib/*': ['lib/*'] } } }),
  );
  write('app/lib/twice.ts', 'export const twice = (n: number): number => n * 2;\n');
  // Linked as pnpm links a workspace package: its package.json exports the TypeScript entry.
  write(
    'pkgs/typed/package.json',
    JSON.stringify({ name: 'typed', type: 'module', exports: { '.': { types: './src/main.ts' } } }),
  );
  write('pkgs/typed/src/main.ts', "export { shout } from './shout.js';\n");
  // biome-ignore lint/suspicious/noTemplateCurlyInString: this is TypeScript source for the compiler
  write('pkgs/typed/src/shout.ts', 'export function shout(s: string): string {\n  return `${s}!`;\n}\n');
  // Built to JavaScript with declarations, and shipping its source too: the source is compiled.
  write(
    'pkgs/built/package.json',
    JSON.stringify({ name: 'built', main: 'dist/index.js', types: 'dist/index.d.ts' }),
  );
  write('pkgs/built/dist/index.js', 'export const base = 1;\n');
  write('pkgs/built/dist/index.d.ts', 'export declare const base: number;\n');
  write('pkgs/built/src/index.ts', 'export const base = 40;\n');
  mkdirSync(path.join(dir, 'app', 'node_modules'), { recursive: true });
  for (const p of ['typed', 'built']) {
    const link = path.join(dir, 'app', 'node_modules', p);
    // A relative link, like pnpm's.
    symlinkSync(path.join('..', '..', 'pkgs', p), link);
  }
  write(
    'app/main.ts',
    "import { twice } from '@lib/twice';\nimport { shout } from 'typed';\nimport { base } from 'built';\nconsole.log(shout(String(twice(base + 1))));\n",
  );
  const r = runExecutable(buildExecutable(path.join(dir, 'app', 'main.ts'), dir));
  expect(r.stderr).toBe('');
  expect(r.stdout.toString()).toBe('82!\n');
  expect(r.status).toBe(0);
});
