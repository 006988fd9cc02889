/**
 * An ELF string table (.strtab, .shstrtab): NUL-terminated names, referred to by byte offset.
 * Offset 0 is the empty name, as the gABI requires; a name added twice is stored once.
 */

export class StringTable {
  private readonly offsets = new Map<string, number>([['', 0]]);
  private readonly chunks: Uint8Array[] = [new Uint8Array(1)];
  private length = 1;

  /** Offset of `name` in the table, adding it if it is new. */
  add(name: string): number {
    const known = this.offsets.get(name);
    if (known !== undefined) return known;
    if (name.includes('\0')) throw new Error(`ELF string contains a NUL byte: ${JSON.stringify(name)}`);
    const bytes = new TextEncoder().encode(`${name}\0`);
    const offset = this.length;
    this.offsets.set(name, offset);
    this.chunks.push(bytes);
    this.length += bytes.length;
    return offset;
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    return out;
  }
}
