/**
 * Per-pass section state: the bytes emitted so far, relocations, and NASM bin attributes
 * (`align=`, `start=`, `vstart=`, `follows=`, `vfollows=`, `progbits`/`nobits`).
 */
import { ByteBuffer } from '../obj/bytes.js';
import type { Relocation, Section } from '../obj/object.js';

export class SectionState {
  readonly bytes = new ByteBuffer();
  size = 0;
  nobits: boolean;
  align = 4;
  alignDefined = false;
  flags: { write: boolean; exec: boolean };
  start?: bigint;
  vstart?: bigint;
  follows?: string;
  vfollows?: string;
  readonly relocations: Relocation[] = [];

  constructor(readonly name: string) {
    this.nobits = name === '.bss';
    this.flags = defaultFlags(name);
  }

  /** `sectalign`/`align`: raise the alignment (NASM sets it outright if none was given yet). */
  raiseAlign(n: number): void {
    if (!this.alignDefined || n > this.align) this.align = n;
    this.alignDefined = true;
  }

  toSection(): Section {
    const s: Section = {
      name: this.name,
      bytes: this.nobits ? new Uint8Array(0) : this.bytes.toBytes(),
      size: this.size,
      align: this.align,
      alignDefined: this.alignDefined,
      nobits: this.nobits,
      flags: { ...this.flags },
    };
    if (!this.nobits && s.bytes.length < this.size) {
      const full = new Uint8Array(this.size);
      full.set(s.bytes);
      s.bytes = full;
    }
    if (this.start !== undefined) s.start = this.start;
    if (this.vstart !== undefined) s.vstart = this.vstart;
    if (this.follows !== undefined) s.follows = this.follows;
    if (this.vfollows !== undefined) s.vfollows = this.vfollows;
    return s;
  }
}

function defaultFlags(name: string): { write: boolean; exec: boolean } {
  if (name === '.text' || name.startsWith('.text.')) return { write: false, exec: true };
  if (name === '.data' || name === '.bss' || name.startsWith('.data.') || name.startsWith('.bss.')) {
    return { write: true, exec: false };
  }
  return { write: false, exec: false };
}
