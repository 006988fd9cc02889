import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runToro, unwrapped } from './run-toro.js';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

function typecheck(dir: string): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, [tsc, '-p', dir], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, output: r.stdout + r.stderr };
}

describe('toro new', () => {
  let work: string;
  beforeEach(() => {
    work = realpathSync(mkdtempSync(join(tmpdir(), 'toro-new-')));
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  it('scaffolds the hello template with flags and no prompts', () => {
    const r = runToro(
      ['new', 'hello', 'svc', '--yes', '--cpus', '4', '--memory', '256M', '--name', 'my-svc'],
      {
        cwd: work,
      },
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const config = JSON.parse(readFileSync(join(work, 'svc', 'toro.json'), 'utf8'));
    expect(config).toEqual({ name: 'my-svc', entry: 'src/main.ts', cpus: 4, memory: '256M' });
    expect(readFileSync(join(work, 'svc', 'src', 'main.ts'), 'utf8')).toContain(
      "console.log('Hello from my-svc!')",
    );
    expect(existsSync(join(work, 'svc', '.gitignore'))).toBe(true);
  });

  it('names the service after the folder by default', () => {
    const r = runToro(['new', 'hello', 'api-server', '--yes'], { cwd: work });
    expect(r.status).toBe(0);
    expect(JSON.parse(readFileSync(join(work, 'api-server', 'toro.json'), 'utf8')).name).toBe('api-server');
  });

  it('creates a project that type-checks against @toro/sdk, and whose type errors tsc reports', () => {
    expect(runToro(['new', 'hello', 'svc', '--yes'], { cwd: work }).status).toBe(0);
    const dir = join(work, 'svc');
    const ok = typecheck(dir);
    expect(ok.output).toBe('');
    expect(ok.status).toBe(0);
    // The same project with a wrong return type must fail: the SDK's Main type is really in force.
    const main = join(dir, 'src', 'main.ts');
    writeFileSync(main, readFileSync(main, 'utf8').replace('return 0;', "return 'zero';"));
    const bad = typecheck(dir);
    expect(bad.status).not.toBe(0);
    expect(bad.output).toMatch(/src\/main\.ts\(\d+,\d+\): error TS2322/);
  });

  it('refuses a non-empty folder unless --force', () => {
    const dir = join(work, 'busy');
    expect(runToro(['new', 'hello', dir, '--yes'], { cwd: work }).status).toBe(0);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const r = runToro(['new', 'hello', dir, '--yes'], { cwd: work });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('is not empty');
    expect(r.stderr).toContain('--force');
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
    const forced = runToro(['new', 'hello', dir, '--yes', '--force'], { cwd: work });
    expect(forced.status).toBe(0);
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('explains bad input without a stack trace', () => {
    const noTemplate = runToro(['new', '--yes'], { cwd: work });
    expect(noTemplate.status).toBe(2);
    expect(unwrapped(noTemplate.stderr)).toContain(
      'pass one of: compute, hello, pipeline, static-site, tcp-echo, web-server',
    );
    const unknown = runToro(['new', 'nope', 'x', '--yes'], { cwd: work });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown template "nope"');
    const badName = runToro(['new', 'hello', 'x', '--yes', '--name', 'Bad_Name'], { cwd: work });
    expect(badName.status).toBe(2);
    expect(badName.stderr).toContain('not a valid service name');
    const badMemory = runToro(['new', 'hello', 'x', '--yes', '--memory', 'lots'], { cwd: work });
    expect(badMemory.status).toBe(2);
    for (const r of [noTemplate, unknown, badName, badMemory]) expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('prints a machine-readable result with --json', () => {
    const r = runToro(['new', 'hello', 'svc', '--json'], { cwd: work });
    expect(r.status).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({ template: 'hello', name: 'svc', cpus: 1, memory: '128M' });
    expect(result.files).toContain('src/main.ts');
  });
});

describe('toro deploy', () => {
  it('is present, documented and says it is not available yet', () => {
    const help = runToro(['deploy', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--target');
    const r = runToro(['deploy', '--target', 'gcp']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('not available yet');
    // Until it lands, the image Compute Engine imports by hand is one build away.
    expect(r.stderr).toContain('Compute Engine imports');
  });
});
