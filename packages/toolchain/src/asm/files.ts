/**
 * Where `%include` and `incbin` look for a file: next to the including file, next to the main source
 * file (NASM searches its working directory, which is where the main file usually is), then each
 * include directory (`-i`), then the name as given.
 */
import { dirname, isAbsolute, join } from 'node:path';

export function searchPath(
  name: string,
  includingFile: string,
  mainFile: string,
  includePaths: string[],
): string[] {
  if (isAbsolute(name)) return [name];
  const all = [
    join(dirname(includingFile), name),
    join(dirname(mainFile), name),
    ...includePaths.map((p) => join(p, name)),
    name,
  ];
  return [...new Set(all)];
}
