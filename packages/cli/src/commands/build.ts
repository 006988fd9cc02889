import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { Flags } from '@oclif/core';
import { asmDir, entryFile, pvhEntrySymbol } from '@toro/kernel';
import { type BuildStage, buildBootImage, parseMemorySize } from '@toro/toolchain';
import type { Ora } from 'ora';
import { ToroCommand } from '../lib/base-command.js';
import { UserError } from '../lib/errors.js';
import { formatBytes, hex } from '../lib/format.js';
import { imagePathFor, loadProject } from '../lib/project.js';

export interface BuildResult {
  image: string;
  bytes: number;
  cpus: number;
  memory: string;
  pvhEntry: string;
  sections: Array<{ name: string; address: string; size: number; flags: string }>;
}

const STAGE_TEXT: Record<BuildStage, string> = {
  assemble: 'Assembling the kernel',
  link: 'Linking',
  write: 'Writing the PVH ELF image',
};

export default class Build extends ToroCommand<BuildResult> {
  static override summary = "Build the project's bootable image.";
  static override description =
    'Assembles the kernel with Toro’s own assembler, links it and writes a PVH ELF image (default: ' +
    'build/<name>.elf) that QEMU, Firecracker and Cloud Hypervisor boot directly. Compiling the service’s ' +
    'TypeScript into the image arrives with the compiler. The CPUs and memory it is built for are recorded ' +
    'in the image, and `toro run` boots it that way unless told otherwise.';
  static override examples = [
    '<%= config.bin %> build',
    '<%= config.bin %> build --cpus 8 --memory 1G -o out.elf',
  ];
  static override flags = {
    cpus: Flags.integer({
      description: 'CPUs the image is built for (default: toro.json)',
      min: 1,
      max: 255,
    }),
    memory: Flags.string({
      description: 'guest memory the image is built for, e.g. 512M (default: toro.json)',
    }),
    output: Flags.string({ char: 'o', description: 'image file to write (default: build/<name>.elf)' }),
  };

  async run(): Promise<BuildResult> {
    const { flags } = await this.parse(Build);
    const project = loadProject(process.cwd());
    const cpus = flags.cpus ?? project.config.cpus;
    const memory = flags.memory ?? project.config.memory;
    try {
      parseMemorySize(memory);
    } catch (e) {
      throw new UserError((e as Error).message, 'use a size such as 128M or 1G');
    }
    const out = resolve(flags.output ?? imagePathFor(project));

    let spinner: Ora | undefined;
    const built = await (async () => {
      try {
        return await buildBootImage({
          kernel: { asmDir, entryFile, pvhEntrySymbol },
          layout: { cpus, memory },
          onStage: async (stage) => {
            spinner?.succeed();
            spinner = this.spinner(STAGE_TEXT[stage]);
            // Let the spinner draw before the (synchronous) stage runs.
            await new Promise((r) => setImmediate(r));
          },
        });
      } catch (e) {
        spinner?.fail();
        throw e;
      }
    })();
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, built.elf);
    spinner?.succeed();

    const result: BuildResult = {
      image: out,
      bytes: built.elf.length,
      cpus,
      memory,
      pvhEntry: hex(built.pvhEntry),
      sections: built.sections.map((s) => ({ ...s, address: hex(s.address) })),
    };
    const parts = built.sections.map((s) => `${s.name} ${formatBytes(s.size)} ${s.flags}`).join(', ');
    this.log(`Built ${relative(process.cwd(), out) || out} (${formatBytes(built.elf.length)}): ${parts}`);
    return result;
  }
}
