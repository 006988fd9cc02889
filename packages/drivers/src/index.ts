/**
 * @toro/drivers: device drivers written in the TypeScript subset Toro's compiler takes. They reach the
 * hardware only through a Hw (hw.ts): in a booted image the compiler's hardware intrinsics, on Node.js a
 * simulated machine (test/sim), where they are fast to test.
 */
export type { Hw, MsiMessage } from './hw.js';
export * from './pci/index.js';
export * from './virtio/index.js';
