import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { Args, Flags } from '@oclif/core';
import { ToroCommand } from '../lib/base-command.js';
import { UserError } from '../lib/errors.js';
import { checkName, isMemorySize } from '../lib/project.js';
import { askMissing, isInteractive } from '../lib/prompts.js';
import { sdkPackageDir } from '../lib/sdk.js';
import { listTemplates, renderTemplate } from '../lib/templates.js';

export interface NewResult {
  template: string;
  dir: string;
  name: string;
  cpus: number;
  memory: string;
  files: string[];
}

export default class New extends ToroCommand<NewResult> {
  static override summary = 'Create a Toro service from a template.';
  static override description =
    'Copies a template into DIR (default: a folder named after the service) with toro.json, src/main.ts and ' +
    'a tsconfig that type-checks against @toro/sdk. In a terminal it asks for what the flags leave out; ' +
    'elsewhere it uses the flags and defaults. It refuses to write into a non-empty folder unless --force.';
  static override examples = [
    '<%= config.bin %> new hello my-service',
    '<%= config.bin %> new hello --name api --cpus 4 --yes',
  ];
  static override args = {
    template: Args.string({
      ignoreStdin: true,
      description: 'template to start from (see the list with --help)',
    }),
    dir: Args.string({ ignoreStdin: true, description: 'folder to create (default: ./<name>)' }),
  };
  static override flags = {
    name: Flags.string({ description: 'service name (lower-case letters, digits, dashes)' }),
    cpus: Flags.integer({ description: 'CPUs the VM gets', min: 1, max: 255 }),
    memory: Flags.string({ description: 'guest memory, e.g. 128M' }),
    yes: Flags.boolean({ char: 'y', description: 'accept defaults; never prompt' }),
    force: Flags.boolean({ description: 'write into a non-empty folder, replacing files of the same name' }),
  };

  async run(): Promise<NewResult> {
    const { args, flags } = await this.parse(New);
    const templates = listTemplates();
    const interactive = !flags.yes && !this.jsonEnabled() && isInteractive();
    const answers = await askMissing(
      { template: args.template, name: flags.name, cpus: flags.cpus, memory: flags.memory },
      { interactive, templates, defaultName: args.dir ? basename(resolve(args.dir)) : undefined },
    );

    const template = templates.find((t) => t.name === answers.template);
    if (!template) {
      throw new UserError(
        `unknown template "${answers.template}"`,
        `choose one of: ${templates.map((t) => t.name).join(', ')}`,
      );
    }
    const nameProblem = checkName(answers.name);
    if (nameProblem) throw new UserError(nameProblem, 'for example: --name my-service');
    if (!isMemorySize(answers.memory)) {
      throw new UserError(`"${answers.memory}" is not a memory size`, 'use a size such as 128M or 1G');
    }

    const dir = resolve(args.dir ?? answers.name);
    if (existsSync(dir) && readdirSync(dir).length > 0 && !flags.force) {
      throw new UserError(
        `${dir} is not empty`,
        'choose another folder, or pass --force to write into it anyway',
      );
    }

    const sdkDir = sdkPackageDir();
    const files = renderTemplate(template, {
      name: answers.name,
      cpus: answers.cpus,
      memory: answers.memory,
    });
    for (const [rel, text] of files) {
      const path = join(dir, rel);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
    }
    linkSdk(dir, sdkDir);

    const result: NewResult = {
      template: template.name,
      dir,
      name: answers.name,
      cpus: answers.cpus,
      memory: answers.memory,
      files: files.map(([rel]) => rel),
    };
    this.log(`Created ${answers.name} from the ${template.name} template in ${dir}`);
    this.log(`Next: cd ${args.dir ?? answers.name} && toro build && toro run`);
    return result;
  }
}

/**
 * Makes `import … from '@toro/sdk'` resolve in the new project (editor and tsc) by linking the SDK this
 * CLI ships with into node_modules, as a package manager would.
 */
function linkSdk(projectDir: string, sdkDir: string): void {
  const target = join(projectDir, 'node_modules', '@toro', 'sdk');
  if (existsSync(target)) return;
  mkdirSync(dirname(target), { recursive: true });
  symlinkSync(sdkDir, target, 'dir');
}
