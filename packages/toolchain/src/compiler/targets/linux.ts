/**
 * --target linux: links the compiled program with the runtime core into a static ELF64 executable
 * that Linux runs directly (_start in runtime/os-linux.asm, no libc, system calls for write/mmap/exit).
 */
import { writeElf } from '../../image/elf.js';
import { link } from '../../link/index.js';
import { LINUX } from '../backend/abi.js';
import type { EmbeddedFile } from '../backend/embedded-files.js';
import { RT } from '../runtime/symbols.js';
import { compileService } from './service.js';

export function buildLinuxExecutable(entry: string, files: readonly EmbeddedFile[] = []): Uint8Array {
  const image = link(compileService(entry, 'linux', files), { org: LINUX.ORG });
  const start = image.symbols.find((s) => s.name === RT.start);
  if (!start) throw new Error('internal error: the runtime defines no _start');
  return writeElf(image, { entry: start.address });
}
