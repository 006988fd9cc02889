/**
 * The pipeline `toro build` runs: assemble the kernel → link → write a PVH ELF. (The compiler's output joins
 * the link step when the compiler lands.) Each stage is reported through `onStage` so the CLI can show
 * progress; every failure is a BuildError carrying diagnostics.
 */
import { writeElf } from '../image/elf.js';
import { layoutNote, type MachineLayout } from '../image/layout-note.js';
import type { LinkedImage } from '../link/image.js';
import { assembleFile } from './assemble-file.js';
import { BuildError } from './errors.js';
import { linkObjects } from './link-objects.js';

/** Where the kernel's sources are: what `@toro/kernel` exports. */
export interface KernelSources {
  asmDir: string;
  entryFile: string;
  /** Symbol of the 32-bit PVH entry point. */
  pvhEntrySymbol: string;
}

export type BuildStage = 'assemble' | 'link' | 'write';

export interface BootImageOptions {
  kernel: KernelSources;
  /** The machine the image is built for; recorded in the image for `toro run` to default to. */
  layout?: MachineLayout;
  /** Predefined macros for the kernel sources (`-D NAME=value`), e.g. SELFTEST for the self-test image. */
  defines?: Record<string, string>;
  /** Called before each stage starts; awaited, so a spinner can draw. */
  onStage?: (stage: BuildStage) => void | Promise<void>;
}

export interface SectionSummary {
  name: string;
  address: bigint;
  size: number;
  flags: string;
}

export interface BootImage {
  elf: Uint8Array;
  image: LinkedImage;
  pvhEntry: bigint;
  sections: SectionSummary[];
}

export async function buildBootImage(options: BootImageOptions): Promise<BootImage> {
  const { kernel } = options;
  await options.onStage?.('assemble');
  const { object } = assembleFile(`${kernel.asmDir}/${kernel.entryFile}`, {
    includePaths: [kernel.asmDir],
    defines: options.defines,
  });

  await options.onStage?.('link');
  const image = linkObjects([object]);
  const entry = image.symbols.find((s) => s.name === kernel.pvhEntrySymbol);
  if (!entry) {
    throw new BuildError(`the kernel defines no ${kernel.pvhEntrySymbol} symbol (its PVH entry point)`, []);
  }

  await options.onStage?.('write');
  const elf = writeElf(image, {
    entry: entry.address,
    pvhEntry: entry.address,
    notes: options.layout ? [layoutNote(options.layout)] : [],
  });
  const sections = image.sections.map((s) => ({
    name: s.name,
    address: s.address,
    size: s.size,
    flags: `r${s.flags.write ? 'w' : '-'}${s.flags.exec ? 'x' : '-'}`,
  }));
  return { elf, image, pvhEntry: entry.address, sections };
}
