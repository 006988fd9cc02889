export { type AssembledFile, type AssembleFileOptions, assembleFile } from './assemble-file.js';
export {
  type BootImage,
  type BootImageOptions,
  type BuildStage,
  buildBootImage,
  type KernelSources,
  type SectionSummary,
} from './boot-image.js';
export { BuildError } from './errors.js';
export { linkObjects } from './link-objects.js';
