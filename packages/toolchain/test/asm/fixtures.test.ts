/**
 * Every fixture under ./fixtures is assembled by the real `nasm -f bin` and by our assembler; the images
 * must be byte-identical and we must report no errors.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { assembleToBin, formatDiagnostic } from '../../src/asm/index.js';
import { hex, nasmFile } from './nasm.js';

const dir = join(import.meta.dirname, 'fixtures');
const files = readdirSync(dir).filter((f) => f.endsWith('.asm'));

describe('fixtures match nasm -f bin', () => {
  test('there are fixtures', () => {
    expect(files.length).toBeGreaterThan(5);
  });
  for (const f of files) {
    test(f, () => {
      const path = join(dir, f);
      const source = readFileSync(path, 'utf8');
      // A fixture may ask for extra nasm arguments (include directories) on a `; nasm-args:` line.
      const args = /^; nasm-args: (.*)$/m.exec(source)?.[1].split(/\s+/) ?? [];
      const includePaths = args.filter((a) => a.startsWith('-i')).map((a) => join(dir, a.slice(2)));
      const ref = nasmFile(path, dir, args);
      expect(ref.ok, `nasm failed: ${ref.stderr}`).toBe(true);
      const ours = assembleToBin(source, { file: path, includePaths });
      const errors = ours.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
      expect(errors).toEqual([]);
      expect(ours.bytes.length).toBe(ref.bytes.length);
      expect(hex(ours.bytes)).toBe(hex(ref.bytes));
    });
  }
});
