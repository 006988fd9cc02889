/**
 * The exit-decoding rules on their own. Each rule is also exercised by a real QEMU run in guest.test.ts;
 * these cover the corners a real run cannot reach on demand (a QEMU error while the guest wrote 0).
 */

import { describe, expect, it } from 'vitest';
import { decodeExit, type ExitFacts } from '../../src/vm/exit-code.js';

const facts = (over: Partial<ExitFacts>): ExitFacts => ({
  qemuStatus: 0,
  signal: null,
  stoppedBy: null,
  lines: [],
  stderr: '',
  durationMs: 10,
  ...over,
});

describe('decodeExit', () => {
  it('decodes odd statuses as isa-debug-exit codes', () => {
    for (const code of [0, 1, 3, 42, 127]) {
      const exit = decodeExit(facts({ qemuStatus: (code * 2 + 1) & 0xff }));
      expect(exit).toMatchObject({ code, source: 'debug-exit' });
    }
  });

  it('restores codes above 127 from a matching "toro: exit" line, not from a mismatching one', () => {
    expect(decodeExit(facts({ qemuStatus: 255, lines: ['toro: exit 255'] })).code).toBe(255);
    expect(decodeExit(facts({ qemuStatus: 255, lines: ['toro: exit 4'] })).code).toBe(127);
    expect(decodeExit(facts({ qemuStatus: 255 })).code).toBe(127);
  });

  it('treats status 1 with an error on stderr as a QEMU failure, warnings aside', () => {
    const failed = decodeExit(
      facts({ qemuStatus: 1, stderr: 'qemu-system-x86_64: -bogus: invalid option\n' }),
    );
    expect(failed).toMatchObject({ code: null, source: 'qemu' });
    expect(failed.error).toContain('-bogus: invalid option');
    const warned = decodeExit(
      facts({ qemuStatus: 1, stderr: 'qemu-system-x86_64: warning: host lacks x\n' }),
    );
    expect(warned).toMatchObject({ code: 0, source: 'debug-exit' });
  });

  it('uses the last "toro: exit" line when QEMU exits 0', () => {
    const exit = decodeExit(facts({ lines: ['toro: exit 9', 'x', 'toro: exit 5'] }));
    expect(exit).toMatchObject({ code: 5, source: 'banner' });
    expect(decodeExit(facts({ lines: ['no banner'] }))).toMatchObject({ code: null, source: 'qemu' });
  });

  it('reports timeouts and stops, unless the guest had already exited through debug-exit', () => {
    expect(decodeExit(facts({ stoppedBy: 'timeout', timeoutMs: 5 }))).toMatchObject({
      code: null,
      source: 'timeout',
      error: 'guest timed out after 5 ms and was killed',
    });
    expect(decodeExit(facts({ qemuStatus: null, signal: 'SIGKILL', stoppedBy: 'killed' }))).toMatchObject({
      code: null,
      source: 'killed',
    });
    expect(decodeExit(facts({ qemuStatus: 7, stoppedBy: 'killed' }))).toMatchObject({ code: 3 });
  });

  it('reports spawn failures and foreign signals as qemu', () => {
    expect(decodeExit(facts({ qemuStatus: null, spawnError: 'spawn x ENOENT' })).error).toMatch(/ENOENT/);
    expect(decodeExit(facts({ qemuStatus: null, signal: 'SIGSEGV' })).error).toMatch(/SIGSEGV/);
  });
});
