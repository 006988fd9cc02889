import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { interruptToro, runToro, unwrapped } from './run-toro.js';

// One scaffolded project shared by the tests below; each QEMU boot is bounded by `--timeout`, which the
// runner enforces by killing the guest's own PID.
let work: string;
let project: string;

beforeAll(() => {
  work = realpathSync(mkdtempSync(join(tmpdir(), 'toro-build-')));
  project = join(work, 'svc');
  expect(runToro(['new', 'compute', project, '--yes', '--cpus', '2', '--memory', '64M']).status).toBe(0);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('toro build', () => {
  it('writes a PVH ELF image and summarises it', () => {
    const r = runToro(['build', '--json'], { cwd: project });
    expect(r.status).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.image).toBe(join(project, 'build', 'svc.elf'));
    expect(result).toMatchObject({ target: 'toro', entry: join(project, 'src', 'main.ts'), cpus: 2 });
    expect(result.warnings).toEqual([]);
    expect(result.sections.map((s: { name: string }) => s.name)).toEqual([
      '.text',
      '.rodata',
      '.data',
      '.svcdata',
      '.bss',
    ]);
    const headers = execFileSync('readelf', ['-h', '-n', result.image], { encoding: 'utf8' });
    expect(headers).toContain('Advanced Micro Devices X86-64');
    expect(headers).toMatch(/Xen\s+0x00000008\s+Unknown note type: \(0x00000012\)/);
    expect(readFileSync(result.image).length).toBe(result.bytes);

    const human = runToro(['build'], { cwd: project });
    expect(human.status).toBe(0);
    expect(human.stdout).toMatch(/^Built build\/svc\.elf \(\d+\.\d KiB\): \.text .* r-x, /m);
  });

  it('prints a service’s type errors and refusals tsc-style and fails', () => {
    const bad = join(work, 'bad-svc');
    expect(runToro(['new', 'compute', bad, '--yes']).status).toBe(0);
    writeFileSync(
      join(bad, 'src', 'main.ts'),
      [
        "import { sleep } from '@toro/sdk';",
        'const n: number = "one";',
        'sleep(5);',
        'export default function main(): number {',
        '  return n;',
        '}',
        '',
      ].join('\n'),
    );
    const r = runToro(['build'], { cwd: bad });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      "src/main.ts(2,7): error TS2322: Type 'string' is not assignable to type 'number'.",
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a toro.json "files" that is not a folder inside the project, with the reason', () => {
    const svc = join(work, 'files-svc');
    expect(runToro(['new', 'compute', svc, '--yes']).status).toBe(0);
    const config = JSON.parse(readFileSync(join(svc, 'toro.json'), 'utf8'));
    const cases: Array<[unknown, string]> = [
      ['/etc', '"files" must be a folder of the project, such as "public" (found "/etc")'],
      ['../elsewhere', '"files" must be a folder inside the project (found "../elsewhere")'],
      ['public', 'which is not a folder'],
      [3, '"files" must be a folder of the project'],
    ];
    for (const [files, message] of cases) {
      writeFileSync(join(svc, 'toro.json'), JSON.stringify({ ...config, files }));
      for (const command of ['build', 'dev']) {
        const r = runToro([command], { cwd: svc });
        expect(r.status).toBe(2);
        expect(unwrapped(r.stderr)).toContain(message);
        expect(r.stderr).not.toMatch(/\n\s+at /);
      }
    }
  });

  it('warns when each CPU’s copy of the service’s data would take more than half its share of memory', () => {
    const svc = join(work, 'big-files-svc');
    expect(runToro(['new', 'compute', svc, '--yes']).status).toBe(0);
    const config = JSON.parse(readFileSync(join(svc, 'toro.json'), 'utf8'));
    writeFileSync(join(svc, 'toro.json'), JSON.stringify({ ...config, files: 'public' }));
    mkdirSync(join(svc, 'public'));
    writeFileSync(join(svc, 'public', 'video.bin'), Buffer.alloc(6 << 20, 7));
    const r = runToro(['build', '--cpus', '4', '--memory', '32M', '--json'], {
      cwd: svc,
      timeoutMs: 120_000,
    });
    expect(r.status).toBe(0);
    const warnings: string[] = JSON.parse(r.stdout).warnings;
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^each of the 4 CPUs copies the service's data \(6\.\d MiB, of which embedded files 6\.0 MiB\) into its own share of memory \(8\.0 MiB\)/,
    );
    const human = runToro(['build', '--cpus', '4', '--memory', '32M'], { cwd: svc, timeoutMs: 120_000 });
    expect(human.status).toBe(0);
    expect(unwrapped(human.stderr)).toContain('Warning: each of the 4 CPUs copies the service');
    expect(unwrapped(human.stderr)).toContain(
      'build it for more memory (--memory) or fewer CPUs, or embed fewer files',
    );
    // One CPU holds the image's own copy: nothing to warn about.
    const one = runToro(['build', '--cpus', '1', '--memory', '32M', '--json'], {
      cwd: svc,
      timeoutMs: 120_000,
    });
    expect(JSON.parse(one.stdout).warnings).toEqual([]);
  });

  it('refuses to build outside a project', () => {
    const r = runToro(['build'], { cwd: work });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('no toro.json found');
    expect(r.stderr).toContain('toro new');
  });
});

describe('toro run', () => {
  beforeAll(() => {
    expect(runToro(['build'], { cwd: project }).status).toBe(0);
  });

  it('boots the built image with the project defaults and exits with the guest code', () => {
    const r = runToro(['run', '--timeout', '30', '--accel', 'tcg'], { cwd: project });
    expect(r.stdout).toContain('toro: kernel 0.1.0 x86-64 (PVH)');
    // The compiled service ran in the VM: the template's output, computed there.
    expect(r.stdout).toContain('Hello from svc!\n');
    expect(r.stdout).toContain('9592 primes below 100000; the largest is 99991\n');
    expect(r.stdout).toMatch(/^toro: cpus 2 \(/m);
    expect(r.stdout).toContain('toro: exit 0');
    expect(r.status).toBe(0);
  });

  it("passes the command line and returns the service's exit code, on q35 too", () => {
    const src = join(work, 'five.ts');
    writeFileSync(src, "export default function main(): number {\n  console.log('five');\n  return 5;\n}\n");
    const image = join(work, 'five.elf');
    expect(runToro(['build', src, '-o', image]).status).toBe(0);
    const r = runToro(
      ['run', image, '--machine', 'q35', '--cpus', '1', '--append', 'mode=test', '--timeout', '30', '--json'],
      { cwd: work },
    );
    expect(r.status).toBe(5);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({ machine: 'q35', cpus: 1, exitCode: 5, exitSource: 'debug-exit' });
    expect(result.serial).toContain('toro: cmdline "mode=test"');
    expect(result.serial).toContain('five');
  });

  it('boots an image the way it was built when run from elsewhere', () => {
    const image = join(work, 'custom.elf');
    const built = runToro(['build', '--cpus', '3', '--memory', '96M', '-o', image], { cwd: project });
    expect(built.status).toBe(0);
    const r = runToro(['run', image, '--timeout', '30', '--json'], { cwd: work });
    expect(r.status).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({ cpus: 3, memory: '96M' });
    expect(result.serial).toContain('toro: cpus 3 (madt)');
    // Flags still win over the recorded layout.
    const one = runToro(['run', image, '--cpus', '1', '--timeout', '30', '--json'], { cwd: work });
    expect(JSON.parse(one.stdout).serial).toContain('toro: cpus 1 (madt)');
  });

  it('refuses an image that cannot boot before starting QEMU', () => {
    const notElf = join(work, 'notes.txt');
    writeFileSync(notElf, 'not a kernel\n');
    const r = runToro(['run', notElf, '--timeout', '30']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('not an ELF');
    expect(r.stdout).toBe('');
    const missing = runToro(['run', join(work, 'nope.elf')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('no image at');
  });

  it('builds a disk image that boots through the BIOS, with the command line and layout it was built with', () => {
    const built = runToro(['build', '--format', 'disk', '--append', 'mode=disk', '--json'], { cwd: project });
    expect(built.status).toBe(0);
    const result = JSON.parse(built.stdout);
    expect(result).toMatchObject({
      format: 'disk',
      image: join(project, 'build', 'svc.img'),
      cmdline: 'mode=disk',
    });
    expect(result.bytes % (1024 * 1024)).toBe(0);
    const r = runToro(['run', '--disk', '--timeout', '60', '--json'], { cwd: project });
    expect(r.status).toBe(0);
    const run = JSON.parse(r.stdout);
    expect(run).toMatchObject({ bootFrom: 'disk', machine: 'q35', cpus: 2, memory: '64M', exitCode: 0 });
    expect(run.serial).toContain('toro-boot: BIOS, loading the kernel from disk');
    expect(run.serial).toContain('toro: cmdline "mode=disk"');
    expect(run.serial).toContain('9592 primes below 100000; the largest is 99991');
    // What a disk cannot do, said before QEMU starts.
    const append = runToro(['run', '--disk', '--append', 'x=1'], { cwd: project });
    expect(append.status).toBe(2);
    expect(append.stderr).toContain('--format disk --append');
    const microvm = runToro(['run', '--disk', '--machine', 'microvm'], { cwd: project });
    expect(microvm.stderr).toContain('use --machine q35');
    const elfAppend = runToro(['build', '--append', 'x=1'], { cwd: project });
    expect(elfAppend.status).toBe(2);
    expect(elfAppend.stderr).toContain('toro run --append');
  });

  it("writes Compute Engine's image: disk.raw of whole GiB in a gzip'd tar", () => {
    const built = runToro(['build', '--format', 'gce', '--json'], { cwd: project });
    expect(built.status).toBe(0);
    const result = JSON.parse(built.stdout);
    expect(result).toMatchObject({ format: 'gce', image: join(project, 'build', 'svc.tar.gz') });
    const listing = execFileSync('tar', ['-tvzf', result.image], { encoding: 'utf8' });
    expect(listing).toMatch(/\s1073741824 \S+ \S+ disk\.raw\n$/);
  });

  it('says how to install QEMU when it is missing', () => {
    const r = runToro(['run', join(project, 'build', 'svc.elf')], {
      cwd: project,
      env: { TORO_QEMU: join(work, 'no-such-qemu'), PATH: '/nonexistent' },
    });
    expect(r.status).toBe(3);
    expect(r.stderr).toContain('apt-get install qemu-system-x86');
  });

  it('rejects malformed port forwards with a hint', () => {
    const r = runToro(['run', '-p', '80', '--timeout', '5'], { cwd: project });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('HOST:GUEST');
  });
});

describe('toro build --target linux', () => {
  it('compiles a TypeScript file into a Linux executable that prints what Node prints', () => {
    const src = join(work, 'fib.ts');
    const program = [
      'function fib(n: number): number {',
      '  return n < 2 ? n : fib(n - 1) + fib(n - 2);',
      '}',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: this is TypeScript source for the compiler
      'console.log(`fib(20) = ${fib(20)}`, 0.1 + 0.2, 2 ** 53 + 1);',
    ];
    writeFileSync(src, `${program.join('\n')}\n`);
    const app = join(work, 'fib');
    const r = runToro(['build', src, '--target', 'linux', '-o', app]);
    expect(r.status).toBe(0);
    const out = execFileSync(app, [], { encoding: 'utf8', timeout: 10_000 });
    expect(out).toBe('fib(20) = 6765 0.30000000000000004 9007199254740992\n');
  });

  it('builds a service of two modules for Linux and for the kernel, and both run it', () => {
    const two = join(work, 'two-svc');
    expect(runToro(['new', 'compute', two, '--yes', '--cpus', '1']).status).toBe(0);
    writeFileSync(
      join(two, 'src', 'greet.ts'),
      // biome-ignore lint/suspicious/noTemplateCurlyInString: this is TypeScript source for the compiler
      'export let greeted = 0;\nexport function greet(who: string): string {\n  greeted++;\n  return `hi ${who}`;\n}\n',
    );
    writeFileSync(
      join(two, 'src', 'main.ts'),
      [
        "import { greet, greeted } from './greet.js';",
        "console.log(greet('a'), greet('b'), greeted);",
        'export default function main(): number {',
        '  return greeted + 1;',
        '}',
        '',
      ].join('\n'),
    );
    const app = join(two, 'app');
    expect(runToro(['build', 'src/main.ts', '--target', 'linux', '-o', app], { cwd: two }).status).toBe(0);
    const linux = spawnSync(app, [], { encoding: 'utf8', timeout: 10_000 });
    expect(linux.stdout).toBe('hi a hi b 2\n');
    expect(runToro(['build'], { cwd: two }).status).toBe(0);
    const r = runToro(['run', '--timeout', '30', '--accel', 'tcg'], { cwd: two });
    expect(r.stdout).toContain('hi a hi b 2\n');
    expect(r.stdout).toContain('toro: exit 3');
    expect(r.status).toBe(3);
  });

  it('prints type errors and unsupported constructs tsc-style and fails', () => {
    const src = join(work, 'bad.ts');
    writeFileSync(src, 'const n: number = "one";\nwith (Math) {}\n');
    // Paths in diagnostics are relative to the current folder, as tsc prints them.
    const r = runToro(['build', 'bad.ts', '--target', 'linux', '-o', 'bad'], { cwd: work });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      "bad.ts(1,7): error TS2322: Type 'string' is not assignable to type 'number'.",
    );
    expect(r.stderr).toMatch(/bad\.ts\(2,1\): error TORO2001: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('toro asm', () => {
  it('writes the same bytes as nasm -f bin', () => {
    const src = join(work, 'boot.asm');
    writeFileSync(
      src,
      [
        'bits 64',
        'org 0x7c00',
        'start: mov rax, [rel data]',
        '  lea rsi, [rbx+r12*4+0x80]',
        '  jmp start',
        'data: dq start, 0x1122334455667788',
        '  times 16 - ($ - $$) % 16 db 0x90',
        '',
      ].join('\n'),
    );
    const ours = join(work, 'ours.bin');
    const r = runToro(['asm', src, '-o', ours]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const theirs = join(work, 'nasm.bin');
    execFileSync('nasm', ['-f', 'bin', src, '-o', theirs], { timeout: 30_000 });
    expect(Buffer.compare(readFileSync(ours), readFileSync(theirs))).toBe(0);
  });

  it('reports errors with file(line,col), the source line and a hint', () => {
    const src = join(work, 'bad.asm');
    writeFileSync(src, 'bits 64\nmov eax, ebx\nmovv eax, 1\n');
    const r = runToro(['asm', src, '-o', join(work, 'bad.bin')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${src}(3,1): error:`);
    expect(r.stderr).toContain('movv eax, 1');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('toro run and Ctrl-C', () => {
  it('stops a running guest on SIGINT, exits 130 and leaves no QEMU behind', async () => {
    // A guest that prints a line and then spins forever, built with our own assembler as a PVH ELF.
    const guestSource = fileURLToPath(new URL('../../toolchain/test/vm/guests/env.asm', import.meta.url));
    const image = join(work, 'hang.elf');
    expect(runToro(['asm', guestSource, '-D', 'HANG', '--format', 'elf', '-o', image]).status).toBe(0);

    let qemuPids: string[] = [];
    const code = await interruptToro(['run', image, '--timeout', '60'], {
      readyText: 'guest: hanging',
      whileRunning: (pid) => {
        qemuPids = execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
          .trim()
          .split('\n');
        expect(qemuPids.length).toBe(1);
      },
    });
    expect(code).toBe(130);
    // The guest's QEMU process is gone (not even a zombie of ours).
    expect(() => process.kill(Number(qemuPids[0]), 0)).toThrow();
  });
});
