import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { Args, Flags } from '@oclif/core';
import { biosBootInput, kernelBuildInput } from '@toro/kernel';
import { readEmbeddedFolder } from '@toro/sdk/node';
import {
  type BuildStage,
  buildBootImage,
  buildLinuxExecutable,
  compileService,
  DEFAULT_MEMORY,
  type EmbeddedFile,
  GCE_SIZE_UNIT,
  parseMemorySize,
  writeDiskFile,
  writeDiskImage,
  writeGceTarball,
} from '@toro/toolchain';
import type { Ora } from 'ora';
import { ToroCommand } from '../lib/base-command.js';
import { UserError } from '../lib/errors.js';
import { formatBytes, hex } from '../lib/format.js';
import { buildOutputFor, filesDirFor, isMemorySize, loadProject, type Project } from '../lib/project.js';

export interface BuildResult {
  target: 'toro';
  /**
   * elf: the PVH ELF QEMU boots with -kernel; disk: a raw GPT disk the BIOS boots (the ELF inside);
   * gce: that disk as Compute Engine imports it (disk.raw, whole GiB, in a gzip'd tar).
   */
  format: 'elf' | 'disk' | 'gce';
  /** The compiled service's entry file. */
  entry: string;
  image: string;
  bytes: number;
  /** With --format disk: the kernel command line recorded in the disk. */
  cmdline?: string;
  cpus: number;
  memory: string;
  pvhEntry: string;
  sections: Array<{ name: string; address: string; size: number; flags: string }>;
  /** The files compiled in (toro.json "files"): how many and their bytes. */
  files: { count: number; bytes: number };
  /** What may keep the image from booting as built (also printed as warnings). */
  warnings: string[];
}

/**
 * Why an image built for `cpus` and `memoryBytes` may not boot: every CPU but the first copies the
 * service's data (.svcdata, embedded files included) into its own even share of memory at boot, and
 * past half of that share little is left for its runtime (the kernel then stops with "cpu N cannot
 * copy the service's data", or the collector runs out). None when it fits.
 */
export function serviceDataWarnings(
  svcdataBytes: number,
  filesBytes: number,
  cpus: number,
  memoryBytes: number,
): string[] {
  if (cpus < 2) return [];
  const share = Math.floor(memoryBytes / cpus);
  if (svcdataBytes <= share / 2) return [];
  return [
    `each of the ${cpus} CPUs copies the service's data (${formatBytes(svcdataBytes)}` +
      `${filesBytes > 0 ? `, of which embedded files ${formatBytes(filesBytes)}` : ''}) into its own share of ` +
      `memory (${formatBytes(share)}), more than half of it: the image may not boot; build it for more ` +
      'memory (--memory) or fewer CPUs, or embed fewer files',
  ];
}

const STAGE_TEXT: Record<BuildStage, string> = {
  assemble: 'Assembling the kernel',
  link: 'Linking',
  write: 'Writing the PVH ELF image',
};

export interface LinuxBuildResult {
  target: 'linux';
  entry: string;
  executable: string;
  bytes: number;
}

export default class Build extends ToroCommand<BuildResult | LinuxBuildResult> {
  static override summary = "Build the project's bootable image.";
  static override description =
    'Compiles the service’s TypeScript ahead of time to x86-64, assembles the kernel with Toro’s own ' +
    'assembler, links the two and writes a PVH ELF image (default: build/<name>.elf) that QEMU, Firecracker ' +
    'and Cloud Hypervisor boot directly. The CPUs and memory it is built for are recorded in the image, and ' +
    '`toro run` boots it that way unless told otherwise. Services that import @toro/sdk run under `toro dev` ' +
    'until the SDK’s compiled backend lands.';
  static override examples = [
    '<%= config.bin %> build',
    '<%= config.bin %> build --cpus 8 --memory 1G -o out.elf',
    '<%= config.bin %> build src/main.ts -o service.elf',
  ];
  static override args = {
    entry: Args.string({
      ignoreStdin: true,
      description: 'TypeScript entry file (default: toro.json "entry"); needed outside a project',
    }),
  };
  static override flags = {
    target: Flags.string({
      description: 'toro: a bootable unikernel image; linux: a static Linux x86-64 executable of the service',
      options: ['toro', 'linux'],
      default: 'toro',
    }),
    cpus: Flags.integer({
      description: 'CPUs the image is built for (default: toro.json)',
      min: 1,
      max: 255,
    }),
    memory: Flags.string({
      description: 'guest memory the image is built for, e.g. 512M (default: toro.json)',
    }),
    format: Flags.string({
      description:
        'elf: a PVH ELF (QEMU -kernel, Firecracker); disk: a raw GPT disk image that boots under a BIOS, ' +
        "the ELF inside it; gce: that disk as Compute Engine imports it (disk.raw in a gzip'd tar)",
      options: ['elf', 'disk', 'gce'],
      default: 'elf',
    }),
    append: Flags.string({
      description:
        'kernel command line recorded in a disk image (--format disk or gce; an ELF takes it at boot)',
    }),
    output: Flags.string({
      char: 'o',
      description:
        'image file to write (default: build/<name>.elf, build/<name>.img for a disk, build/<name>.tar.gz for gce)',
    }),
  };

  async run(): Promise<BuildResult | LinuxBuildResult> {
    const { args, flags } = await this.parse(Build);
    if (flags.target === 'linux') return this.buildLinux(args.entry, flags.output);
    const project = args.entry ? undefined : loadProject(process.cwd());
    const entry = resolveEntry(args.entry, project);
    const cpus = flags.cpus ?? project?.config.cpus ?? 1;
    const memory = flags.memory ?? project?.config.memory ?? DEFAULT_MEMORY;
    if (!isMemorySize(memory))
      throw new UserError(`"${memory}" is not a memory size`, 'use a size such as 128M or 1G');
    const format = flags.format as BuildResult['format'];
    const disk = format !== 'elf';
    if (flags.append !== undefined && !disk)
      throw new UserError(
        'an ELF image takes its command line when it boots',
        'pass it to `toro run --append`, or build a disk image with --format disk',
      );
    const suffix = { elf: '.elf', disk: '.img', gce: '.tar.gz' }[format];
    const out = resolve(
      flags.output ?? (project ? buildOutputFor(project, suffix) : basename(entry).replace(/\.ts$/, suffix)),
    );

    const files = embeddedFilesOf(project);
    let spinner: Ora | undefined = this.spinner(`Compiling ${relative(process.cwd(), entry) || entry}`);
    await new Promise((r) => setImmediate(r));
    const built = await (async () => {
      try {
        const service = compileService(entry, 'toro', files);
        return await buildBootImage({
          kernel: kernelBuildInput,
          service,
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
    let bytes = built.elf.length;
    if (disk) {
      spinner?.succeed();
      spinner = this.spinner(
        format === 'gce'
          ? "Writing the Compute Engine image (disk.raw in a gzip'd tar)"
          : 'Writing the disk image',
      );
      await new Promise((r) => setImmediate(r));
      try {
        const image = writeDiskImage({
          elf: built.elf,
          boot: biosBootInput,
          cmdline: flags.append,
          sizeBytes: format === 'gce' ? GCE_SIZE_UNIT : undefined,
        });
        if (format === 'gce') await writeGceTarball(out, image);
        else writeDiskFile(out, image);
        bytes = format === 'gce' ? statSync(out).size : image.size;
      } catch (e) {
        spinner?.fail();
        throw e;
      }
    } else writeFileSync(out, built.elf);
    spinner?.succeed();

    const result: BuildResult = {
      target: 'toro',
      format,
      entry,
      image: out,
      bytes,
      cmdline: disk ? (flags.append ?? '') : undefined,
      cpus,
      memory,
      pvhEntry: hex(built.pvhEntry),
      sections: built.sections.map((s) => ({ ...s, address: hex(s.address) })),
      files: { count: files.length, bytes: files.reduce((n, f) => n + f.bytes.length, 0) },
      warnings: [],
    };
    const svcdata = built.sections.find((s) => s.name === '.svcdata')?.size ?? 0;
    result.warnings = serviceDataWarnings(
      svcdata,
      result.files.bytes,
      cpus,
      parseMemorySize(memory) * 2 ** 20,
    );
    const parts = built.sections.map((s) => `${s.name} ${formatBytes(s.size)} ${s.flags}`).join(', ');
    const what =
      format === 'elf'
        ? formatBytes(bytes)
        : `${format === 'gce' ? `Compute Engine image ${formatBytes(bytes)}` : 'disk image'}, kernel ${formatBytes(built.elf.length)}`;
    this.log(`Built ${relative(process.cwd(), out) || out} (${what}): ${parts}`);
    if (files.length > 0)
      this.log(
        `Embedded ${files.length} file${files.length === 1 ? '' : 's'} (${formatBytes(result.files.bytes)})`,
      );
    for (const w of result.warnings) this.warn(w);
    return result;
  }

  /** `--target linux`: compile the service into a static Linux executable (fast to run and test on the host). */
  private async buildLinux(
    entryArg: string | undefined,
    output: string | undefined,
  ): Promise<LinuxBuildResult> {
    const project = entryArg ? undefined : loadProject(process.cwd());
    const entry = resolveEntry(entryArg, project);
    const out = resolve(
      output ??
        (project ? join(project.dir, 'build', project.config.name) : basename(entry).replace(/\.ts$/, '')),
    );
    const spinner = this.spinner(`Compiling ${relative(process.cwd(), entry) || entry}`);
    await new Promise((r) => setImmediate(r));
    let bytes: Uint8Array;
    try {
      bytes = buildLinuxExecutable(entry);
    } catch (e) {
      spinner.fail();
      throw e;
    }
    spinner.succeed();
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, bytes, { mode: 0o755 });
    this.log(
      `Built ${relative(process.cwd(), out) || out} (${formatBytes(bytes.length)}, static Linux x86-64 executable)`,
    );
    return { target: 'linux', entry, executable: out, bytes: bytes.length };
  }
}

/** The files the project embeds (toro.json "files"), read as `toro dev` reads them. */
function embeddedFilesOf(project: Project | undefined): EmbeddedFile[] {
  const dir = project ? filesDirFor(project) : undefined;
  if (dir === undefined) return [];
  try {
    return readEmbeddedFolder(dir);
  } catch (e) {
    throw new UserError(
      (e as Error).message,
      'embed a smaller folder, or serve the large files from elsewhere',
    );
  }
}

/** The service's entry file: the argument, else the project's toro.json "entry"; it must exist. */
function resolveEntry(entryArg: string | undefined, project: Project | undefined): string {
  const entry = resolve(entryArg ?? join(project?.dir ?? '.', project?.config.entry ?? 'src/main.ts'));
  if (!existsSync(entry)) throw new UserError(`no such file: ${entry}`, 'pass the service’s entry .ts file');
  return entry;
}
