/**
 * The entry module's default export (`export default main`, the @toro/sdk Main convention): called after
 * the top-level code, its result is the exit status — checked as the SDK's Node backend checks it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { buildExecutable, runExecutable } from './harness.js';

const dir = mkdtempSync(path.join(tmpdir(), 'toro-main-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(name: string, source: string) {
  const file = path.join(dir, `${name}.ts`);
  writeFileSync(file, source);
  return runExecutable(buildExecutable(file, dir));
}

describe('export default main', () => {
  test('runs after the top-level code and its number is the exit status', () => {
    const r = run(
      'three',
      "console.log('top');\nfunction main(): number {\n  console.log('in main');\n  return 3;\n}\nexport default main;\n",
    );
    expect(r.stdout.toString()).toBe('top\nin main\n');
    expect(r.status).toBe(3);
  });

  test('a default-exported function declaration returning nothing exits 0', () => {
    const r = run('void', "export default function main(): void {\n  console.log('ran');\n}\n");
    expect(r.stdout.toString()).toBe('ran\n');
    expect(r.status).toBe(0);
  });

  test('a status outside 0..255 is a TypeError, as under toro dev', () => {
    const r = run('bad', 'function main(): number {\n  return 300;\n}\nexport default main;\n');
    expect(r.stderr).toContain(
      'TypeError: main() returned 300; the exit code must be a whole number from 0 to 255',
    );
    expect(r.status).toBe(1);
  });

  test('without a default export nothing more runs', () => {
    const r = run('plain', "function main(): number {\n  return 4;\n}\nconsole.log('only top', main());\n");
    expect(r.stdout.toString()).toBe('only top 4\n');
    expect(r.status).toBe(0);
  });
});
