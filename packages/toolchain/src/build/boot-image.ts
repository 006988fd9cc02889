/**
 * The pipeline `toro build` runs: assemble the kernel → link (with the compiled service's objects, when
 * there is one) → write a PVH ELF. Each stage is reported through `onStage` so the CLI can show
 * progress; every failure is a BuildError carrying diagnostics.
 *
 * With a service, the kernel is assembled with SERVICE defined (its service thread then enters the
 * runtime's toro_service_main) and the objects are linked kernel first, the service's next, and the
 * kernel's image-end object last (it marks the end of .bss, where free memory starts).
 *
 * Every service object's `.data` is renamed `.svcdata` before the link: the kernel opens that section
 * page-aligned right after its own `.data` (label svc_data_start) and image_end.asm closes it on a page
 * boundary (svc_data_end), so all of the service's mutable state lies in one window of whole pages that
 * each CPU other than CPU 0 replaces with a private copy at the same addresses (kernel asm/isolate.asm).
 * A service object with any other writable section (`.bss` included) is refused: its state would be
 * shared by every CPU, or, as nobits, land after the window.
 */

import { writeElf } from '../image/elf.js';
import { layoutNote, type MachineLayout } from '../image/layout-note.js';
import type { LinkedImage } from '../link/image.js';
import type { ObjectFile } from '../obj/object.js';
import { assembleFile } from './assemble-file.js';
import { BuildError } from './errors.js';
import { linkObjects } from './link-objects.js';

/** Where the kernel's sources are: what `@toro/kernel` exports. */
export interface KernelSources {
  asmDir: string;
  entryFile: string;
  /** Symbol of the 32-bit PVH entry point. */
  pvhEntrySymbol: string;
  /** The file linked last when a service is linked in (defines bss_end and kernel_end). */
  imageEndFile: string;
}

export type BuildStage = 'assemble' | 'link' | 'write';

export interface BootImageOptions {
  kernel: KernelSources;
  /** The machine the image is built for; recorded in the image for `toro run` to default to. */
  layout?: MachineLayout;
  /** Predefined macros for the kernel sources (`-D NAME=value`), e.g. SELFTEST for the self-test image. */
  defines?: Record<string, string>;
  /** The compiled service (runtime and program objects, from the compiler's `--target toro`). */
  service?: ObjectFile[];
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
  const service = options.service;
  const defines = service ? { ...options.defines, SERVICE: '1' } : options.defines;
  const { object } = assembleFile(`${kernel.asmDir}/${kernel.entryFile}`, {
    includePaths: [kernel.asmDir],
    defines,
  });
  const objects = service
    ? [object, ...service.map(privateData), assembleFile(`${kernel.asmDir}/${kernel.imageEndFile}`).object]
    : [object];

  await options.onStage?.('link');
  const image = linkObjects(objects);
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

/** The section every CPU gets its own copy of (see the header). */
export const SERVICE_DATA_SECTION = '.svcdata';

/**
 * The object with its `.data` renamed SERVICE_DATA_SECTION — the section, the symbols defined in it, the
 * relocations applied to it and every value based on it. A BuildError for any other writable section.
 */
export function privateData(object: ObjectFile): ObjectFile {
  const refused = object.sections.filter(
    (s) => (s.nobits || s.flags.write) && s.name !== '.data' && s.name !== SERVICE_DATA_SECTION,
  );
  if (refused.length > 0) {
    const names = refused.map((s) => s.name).join(', ');
    throw new BuildError(
      `service object ${object.file} has writable section(s) ${names}: a service keeps its mutable state in .data ` +
        `only (each CPU gets a private copy of the service's .data; anything else would be shared or misplaced)`,
      [],
    );
  }
  const rename = (name: string): string => {
    if (name === '.data') return SERVICE_DATA_SECTION;
    if (name === 'section..data.start') return `section.${SERVICE_DATA_SECTION}.start`;
    return name;
  };
  return {
    ...object,
    sections: object.sections.map((s) => (s.name === '.data' ? { ...s, name: SERVICE_DATA_SECTION } : s)),
    symbols: object.symbols.map((s) => (s.section === undefined ? s : { ...s, section: rename(s.section) })),
    relocations: object.relocations.map((r) => ({
      ...r,
      section: rename(r.section),
      value: r.value.base === undefined ? r.value : { ...r.value, base: rename(r.value.base) },
    })),
  };
}
