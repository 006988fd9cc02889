/**
 * Questions `toro new` asks in a terminal for what the flags left out. Off a terminal (CI, pipes, --yes)
 * it never asks: missing values take defaults, and a missing template is an error that lists them.
 */
import { input, number, select } from '@inquirer/prompts';
import { DEFAULT_MEMORY } from '@toro/toolchain';
import { UserError } from './errors.js';
import { checkName, isMemorySize } from './project.js';
import type { TemplateInfo } from './templates.js';

export interface NewAnswers {
  template: string;
  name: string;
  cpus: number;
  memory: string;
}

export const DEFAULTS = { cpus: 1, memory: DEFAULT_MEMORY } as const;

export function isInteractive(): boolean {
  return Boolean(process.stdin.isTTY && process.stdout.isTTY);
}

export async function askMissing(
  given: Partial<NewAnswers>,
  ctx: { interactive: boolean; templates: TemplateInfo[]; defaultName?: string },
): Promise<NewAnswers> {
  const names = ctx.templates.map((t) => t.name);
  let template = given.template;
  if (!template) {
    if (!ctx.interactive) {
      throw new UserError('which template? none was given', `pass one of: ${names.join(', ')}`);
    }
    template = await select({
      message: 'Template',
      choices: ctx.templates.map((t) => ({ name: t.name, value: t.name, description: t.description })),
    });
  }
  const defaultName = ctx.defaultName && !checkName(ctx.defaultName) ? ctx.defaultName : template;
  if (!ctx.interactive) {
    return {
      template,
      name: given.name ?? defaultName,
      cpus: given.cpus ?? DEFAULTS.cpus,
      memory: given.memory ?? DEFAULTS.memory,
    };
  }
  const name =
    given.name ??
    (await input({ message: 'Service name', default: defaultName, validate: (v) => checkName(v) ?? true }));
  const cpus =
    given.cpus ??
    (await number({ message: 'CPUs', default: DEFAULTS.cpus, min: 1, max: 255, required: true })) ??
    DEFAULTS.cpus;
  const memory =
    given.memory ??
    (await input({
      message: 'Memory',
      default: DEFAULTS.memory,
      validate: (v) => isMemorySize(v) || 'a size such as 128M or 1G',
    }));
  return { template, name, cpus, memory };
}
