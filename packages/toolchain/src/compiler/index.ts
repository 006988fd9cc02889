/**
 * The TypeScript → x86-64 compiler's public surface. See README.md for the pipeline, the IR, the
 * value representation, the calling convention and the collector.
 */
export type { EmbeddedFile } from './backend/embedded-files.js';
export { type CompileDiagnostic, formatDiagnostic } from './frontend/diagnostics.js';
export {
  type CompileOptions,
  type CompileResult,
  compileProgram,
  type DumpStage,
  IR_STAGES,
} from './pipeline.js';
export { buildLinuxExecutable } from './targets/linux.js';
export { CompileFailed, compileService } from './targets/service.js';
