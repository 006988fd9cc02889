/**
 * The CLI's shape is under test: every command's flags (with their short names and options) and
 * arguments are recorded in ../command-snapshot.json. A change to them fails this test until the snapshot
 * is regenerated on purpose and the diff reviewed:
 *   UPDATE_SNAPSHOTS=1 pnpm exec vitest run packages/cli/test/command-snapshot.test.ts
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

interface FlagShape {
  char?: string;
  options?: readonly string[];
  multiple?: boolean;
  required?: boolean;
}
interface CommandShape {
  args: string[];
  flags: Record<string, FlagShape>;
  json: boolean;
}

const COMMANDS = fileURLToPath(new URL('../src/commands/', import.meta.url));
const SNAPSHOT = fileURLToPath(new URL('../command-snapshot.json', import.meta.url));

async function currentShape(): Promise<Record<string, CommandShape>> {
  const shape: Record<string, CommandShape> = {};
  for (const file of readdirSync(COMMANDS)
    .filter((f) => f.endsWith('.ts'))
    .sort()) {
    const mod = (await import(join(COMMANDS, file))) as {
      default: {
        args?: Record<string, unknown>;
        flags?: Record<string, FlagShape>;
        enableJsonFlag?: boolean;
      };
    };
    const cmd = mod.default;
    const flags: Record<string, FlagShape> = {};
    for (const [name, f] of Object.entries(cmd.flags ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
      flags[name] = {
        ...(f.char ? { char: f.char } : {}),
        ...(f.options ? { options: [...f.options] } : {}),
        ...(f.multiple ? { multiple: true } : {}),
        ...(f.required ? { required: true } : {}),
      };
    }
    shape[file.replace(/\.ts$/, '')] = {
      args: Object.keys(cmd.args ?? {}),
      flags,
      json: Boolean(cmd.enableJsonFlag),
    };
  }
  return shape;
}

it('matches the recorded command snapshot', async () => {
  const shape = await currentShape();
  if (process.env.UPDATE_SNAPSHOTS) writeFileSync(SNAPSHOT, `${JSON.stringify(shape, null, 2)}\n`);
  expect(shape).toEqual(JSON.parse(readFileSync(SNAPSHOT, 'utf8')));
  // Every command offers --json.
  for (const [name, cmd] of Object.entries(shape)) expect(cmd.json, name).toBe(true);
});
