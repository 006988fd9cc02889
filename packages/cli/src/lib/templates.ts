/**
 * The templates `toro new` scaffolds from. A template is a folder under templates/ whose files are copied
 * with `{{name}}`, `{{cpus}}` and `{{memory}}` filled in; a file named `_gitignore` becomes `.gitignore`
 * (package managers drop dot-files named .gitignore from published packages).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface TemplateInfo {
  name: string;
  description: string;
  dir: string;
}

export interface TemplateValues {
  name: string;
  cpus: number;
  memory: string;
}

/** The templates folder: shipped next to the CLI package, or at the root of the source checkout. */
export function templatesRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const candidate of [resolve(here, '../../templates'), resolve(here, '../../../../templates')]) {
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`templates folder not found near ${here}`);
}

export function listTemplates(): TemplateInfo[] {
  const root = templatesRoot();
  return readdirSync(root)
    .filter((name) => statSync(join(root, name)).isDirectory())
    .sort()
    .map((name) => {
      const dir = join(root, name);
      const meta = join(dir, 'template.json');
      const description = existsSync(meta)
        ? String((JSON.parse(readFileSync(meta, 'utf8')) as { description?: string }).description ?? '')
        : '';
      return { name, description, dir };
    });
}

/**
 * Every file of a template as [relative output path, contents]: text files with the values filled
 * in, binary files (an image, a font: not UTF-8, or holding a NUL) byte for byte.
 */
export function renderTemplate(
  template: TemplateInfo,
  values: TemplateValues,
): Array<[string, string | Uint8Array]> {
  const out: Array<[string, string | Uint8Array]> = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir).sort()) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) {
        walk(path);
        continue;
      }
      const rel = relative(template.dir, path);
      if (rel === 'template.json') continue;
      const target = rel.replace(/(^|\/)_gitignore$/, '$1.gitignore');
      const bytes = readFileSync(path);
      if (!isText(bytes)) {
        out.push([target, bytes]);
        continue;
      }
      const text = bytes
        .toString('utf8')
        .replaceAll('{{name}}', values.name)
        .replaceAll('{{cpus}}', String(values.cpus))
        .replaceAll('{{memory}}', values.memory);
      out.push([target, text]);
    }
  };
  walk(template.dir);
  return out;
}

/** True for bytes that are UTF-8 text: they decode without a replacement and hold no NUL. */
function isText(bytes: Uint8Array): boolean {
  if (bytes.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}
