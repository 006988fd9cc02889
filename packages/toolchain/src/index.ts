/**
 * @toro/toolchain: everything between source and a running VM, one folder per stage.
 * See docs/architecture.md for how the stages hand off to each other.
 */
export * from './vm/index.js';
