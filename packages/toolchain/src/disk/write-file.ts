/** Writes a sparse disk to a file: its extents at their offsets, the rest left as holes. */
import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import type { SparseDisk } from './gpt.js';

export function writeDiskFile(path: string, disk: SparseDisk): void {
  const fd = openSync(path, 'w');
  try {
    ftruncateSync(fd, disk.size);
    for (const e of disk.extents) writeSync(fd, e.bytes, 0, e.bytes.length, e.offset);
  } finally {
    closeSync(fd);
  }
}
