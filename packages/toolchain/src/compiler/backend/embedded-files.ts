/**
 * The files compiled into the image (toro.json "files", `embeddedFiles()` in @toro/sdk), emitted with
 * the program's .data as static objects the runtime views without copying:
 *
 *   __rt_files_table   a static WORDS object: [0] N, then N pairs [name (STRING), bytes (BYTES)]
 *   each name          a static string: the file's path relative to the folder, "/" separated
 *   each bytes         a static BYTES object: the file's contents
 *
 * The pairs are tagged references, filled in by the linker (64-bit relocations against .data with
 * the reference tag in the addend). The collector leaves them alone: they are outside every heap.
 * The objects are in .data, not .rodata, so a write through a Uint8Array is a write, as under Node;
 * and the image build renames a service's .data .svcdata, which every other CPU copies into its own
 * memory at boot (kernel isolate.asm), so each CPU has its own bytes, as each `toro dev` CPU does.
 */
import type { ByteBuffer } from '../../obj/bytes.js';
import type { Relocation, SymbolDef } from '../../obj/object.js';
import { RT } from '../runtime/symbols.js';
import { HEAP, stringObject, VALUE } from './abi.js';

/** One file: its path relative to the embedded folder ("css/site.css") and its bytes. */
export interface EmbeddedFile {
  path: string;
  bytes: Uint8Array;
}

/** Appends the table and its objects to `data` (the .data bytes so far, 8-aligned). */
export function emitEmbeddedFiles(
  files: readonly EmbeddedFile[],
  data: ByteBuffer,
  symbols: SymbolDef[],
  relocations: Relocation[],
): void {
  const tagged = (at: number, target: number) =>
    relocations.push({
      section: '.data',
      offset: at,
      size: 8,
      value: { base: '.data', addend: (VALUE.TAG_REF << 48n) + BigInt(target), known: true },
      range: 'any',
    });
  symbols.push({ name: RT.filesTable, section: '.data', value: BigInt(data.length), global: true });
  data.appendWord(BigInt(1 + 2 * files.length) | (BigInt(HEAP.KIND_WORDS) << 32n));
  data.appendWord(new BigUint64Array(new Float64Array([files.length]).buffer)[0]);
  const slots = data.length;
  for (let i = 0; i < 2 * files.length; i++) data.appendWord(VALUE.UNDEFINED);
  files.forEach((file, i) => {
    tagged(slots + 16 * i, data.length);
    data.append(stringObject(file.path));
    tagged(slots + 16 * i + 8, data.length);
    data.appendWord(BigInt(file.bytes.length) | (BigInt(HEAP.KIND_BYTES) << 32n));
    data.append(file.bytes);
    data.padTo((data.length + 7) & ~7);
  });
}
