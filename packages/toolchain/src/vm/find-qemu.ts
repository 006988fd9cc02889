/**
 * Locates the QEMU binary the runner starts: `TORO_QEMU` when set (an explicit choice must be honoured or
 * fail loudly), otherwise the first `qemu-system-x86_64` on PATH.
 */

import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { QemuNotFoundError } from './errors.js';

export const QEMU_BINARY = 'qemu-system-x86_64';
const INSTALL_HINT = 'On Debian/Ubuntu install it with: sudo apt-get install qemu-system-x86';

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function findQemu(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env.TORO_QEMU;
  if (explicit !== undefined && explicit !== '') {
    if (isExecutableFile(explicit)) return explicit;
    throw new QemuNotFoundError(`TORO_QEMU is set to "${explicit}", which is not an executable file.`);
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, QEMU_BINARY);
    if (isExecutableFile(candidate)) return candidate;
  }
  throw new QemuNotFoundError(
    `${QEMU_BINARY} was not found on PATH (set TORO_QEMU to use a specific binary). ${INSTALL_HINT}`,
  );
}
