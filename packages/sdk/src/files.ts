/**
 * Files compiled into the image: toro.json's "files" names a folder of the project, and every file in
 * it travels with the service. In an image the bytes are part of the image (no disk, no copy); under
 * `toro dev` each CPU reads the folder when it first asks (src/node/files.ts decides, for both, which
 * files the folder holds and in what order).
 */
import { backend } from './backend.js';

/**
 * The embedded files, path → bytes. A path is relative to the folder with "/" between names
 * ("index.html", "css/site.css"); the Map is new on each call, in path order, and empty when the
 * project embeds no folder. The bytes are shared by every call (and, in an image, by every CPU):
 * treat them as read-only.
 */
export function embeddedFiles(): ReadonlyMap<string, Uint8Array> {
  return backend().embeddedFiles();
}
