/**
 * The folder of files a project embeds (toro.json "files"): which files it holds and in what order.
 * `toro build` compiles exactly this list into the image and `toro dev`'s CPUs read exactly this list,
 * so `embeddedFiles()` answers alike on both backends.
 *
 * Every regular file under the folder, at any depth, is embedded, keyed by its path relative to the
 * folder with "/" separators; names starting with "." (".git", ".DS_Store") are skipped, and so are
 * symbolic links (an image holds what the folder holds, nothing it points outside of). Paths are
 * sorted by UTF-16 code units, like a sorted array of strings.
 */
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Everything an image may embed, in bytes: past it the build stops with a clear message. */
export const EMBEDDED_FILES_MAX_BYTES = 256 * 1024 * 1024;

export interface EmbeddedFileEntry {
  /** Relative to the folder, "/" separated. */
  path: string;
  bytes: Uint8Array;
}

/** Lists the folder's files (relative paths, sorted); throws if the folder is not a folder. */
export function listEmbeddedFolder(dir: string): string[] {
  if (!lstatSync(dir).isDirectory()) throw new Error(`${dir} is not a folder`);
  const out: string[] = [];
  const walk = (sub: string): void => {
    for (const entry of readdirSync(join(dir, sub), { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const rel = sub === '' ? entry.name : `${sub}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
      else if (entry.isFile()) out.push(rel);
    }
  };
  walk('');
  return out.sort();
}

/** Reads the folder's files in listEmbeddedFolder's order; throws past EMBEDDED_FILES_MAX_BYTES. */
export function readEmbeddedFolder(dir: string): EmbeddedFileEntry[] {
  let total = 0;
  return listEmbeddedFolder(dir).map((path) => {
    const bytes = new Uint8Array(readFileSync(join(dir, path)));
    total += bytes.length;
    if (total > EMBEDDED_FILES_MAX_BYTES)
      throw new Error(
        `the files under ${dir} are more than ${EMBEDDED_FILES_MAX_BYTES / 1024 / 1024} MiB, the most an image embeds`,
      );
    return { path, bytes };
  });
}
