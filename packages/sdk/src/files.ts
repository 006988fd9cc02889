/**
 * Files compiled into the image: toro.json's "files" names a folder of the project, and every file in
 * it travels with the service. In an image the bytes are part of the service's data, which every CPU
 * holds a copy of in its own memory (each CPU an isolate); under `toro dev` each CPU reads the folder
 * when it first asks (src/node/files.ts decides, for both, which files the folder holds and in what
 * order).
 */
import { backend } from './backend.js';

/**
 * The embedded files, path → bytes. A path is relative to the folder with "/" between names
 * ("index.html", "css/site.css"); the Map is new on each call, in path order, and empty when the
 * project embeds no folder. A path gives the same Uint8Array on every call on one CPU; each CPU has
 * its own bytes, so a write on one CPU is not seen on another.
 */
export function embeddedFiles(): ReadonlyMap<string, Uint8Array> {
  return backend().embeddedFiles();
}
