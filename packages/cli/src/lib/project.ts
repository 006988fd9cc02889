/**
 * A Toro project on disk: the folder holding `toro.json`. The config names the service, its entry file
 * and the machine it wants (CPUs, memory), which `toro build` and `toro run` use as defaults.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { ToroConfig } from '@toro/sdk';
import { parseMemorySize } from '@toro/toolchain';
import { UserError } from './errors.js';

export type { ToroConfig };

export interface Project {
  dir: string;
  configPath: string;
  config: ToroConfig;
}

export const NAME_PATTERN = /^[a-z][a-z0-9-]{0,62}$/;

/** True when `text` is a memory size the VM runner accepts (the runner's own parser decides). */
export function isMemorySize(text: string): boolean {
  try {
    parseMemorySize(text);
    return true;
  } catch {
    return false;
  }
}

/** Checks a name for a service; returns a message when it is not acceptable. */
export function checkName(name: string): string | undefined {
  if (!NAME_PATTERN.test(name)) {
    return `"${name}" is not a valid service name: use lower-case letters, digits and dashes, starting with a letter`;
  }
  return undefined;
}

/** Finds toro.json in `from` or a parent folder and reads it. */
export function loadProject(from: string): Project {
  let dir = resolve(from);
  while (!existsSync(join(dir, 'toro.json'))) {
    const parent = dirname(dir);
    if (parent === dir) {
      throw new UserError(
        `no toro.json found in ${resolve(from)} or any parent folder`,
        'run this inside a Toro project, or create one with `toro new hello my-service`',
      );
    }
    dir = parent;
  }
  const configPath = join(dir, 'toro.json');
  return { dir, configPath, config: parseConfig(readFileSync(configPath, 'utf8'), configPath) };
}

export function parseConfig(text: string, path: string): ToroConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new UserError(
      `${path}: not valid JSON (${(e as Error).message})`,
      'fix the file or recreate it with `toro new`',
    );
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new UserError(`${path}: expected an object with name, entry, cpus and memory`);
  }
  const obj = raw as Record<string, unknown>;
  const fail = (field: string, want: string): never => {
    throw new UserError(`${path}: "${field}" must be ${want} (found ${JSON.stringify(obj[field])})`);
  };
  if (typeof obj.name !== 'string' || checkName(obj.name))
    fail('name', 'lower-case letters, digits and dashes');
  if (typeof obj.entry !== 'string' || obj.entry.length === 0) fail('entry', 'a path such as "src/main.ts"');
  if (typeof obj.cpus !== 'number' || !Number.isInteger(obj.cpus) || obj.cpus < 1 || obj.cpus > 255) {
    fail('cpus', 'a whole number from 1 to 255');
  }
  if (typeof obj.memory !== 'string' || !isMemorySize(obj.memory)) fail('memory', 'a size such as "128M"');
  if (
    obj.files !== undefined &&
    (typeof obj.files !== 'string' || obj.files.length === 0 || isAbsolute(obj.files))
  )
    fail('files', 'a folder of the project, such as "public"');
  const config: ToroConfig = {
    name: obj.name as string,
    entry: obj.entry as string,
    cpus: obj.cpus as number,
    memory: obj.memory as string,
  };
  if (obj.files !== undefined) config.files = obj.files as string;
  return config;
}

/**
 * The folder of files the project embeds (toro.json "files"), absolute; undefined when it embeds none.
 * It must be a folder inside the project.
 */
export function filesDirFor(project: Project): string | undefined {
  const files = project.config.files;
  if (files === undefined) return undefined;
  const dir = resolve(project.dir, files);
  const inside = relative(project.dir, dir);
  if (inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside))
    throw new UserError(
      `${project.configPath}: "files" must be a folder inside the project (found ${JSON.stringify(files)})`,
    );
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new UserError(
      `${project.configPath}: "files" names ${dir}, which is not a folder`,
      `create the folder, or remove "files" from toro.json`,
    );
  return dir;
}

/** Where `toro build` writes the project's output with this suffix (`.elf`, `.img`, `.tar.gz`). */
export function buildOutputFor(project: Project, suffix: string): string {
  return join(project.dir, 'build', `${project.config.name}${suffix}`);
}

/** Where `toro build` writes the project's image, and where `toro run` looks for it. */
export function imagePathFor(project: Project): string {
  return buildOutputFor(project, '.elf');
}

/** Where `toro build --format disk` writes the project's disk image, and where `toro run --disk` looks. */
export function diskPathFor(project: Project): string {
  return buildOutputFor(project, '.img');
}
