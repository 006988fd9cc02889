/**
 * The WHATWG Encoding standard's TextEncoder and TextDecoder, as far as this package uses them: the
 * package builds without Node's or the DOM's typings (it runs on Node in the tests and compiled by Toro
 * in an image, and both have these globals; Toro's lib declares the same). Only this package's own
 * build reads this file; the tests see Node's declarations instead.
 */
interface TextEncoder {
  readonly encoding: string;
  encode(input?: string): Uint8Array;
}
declare var TextEncoder: { new (): TextEncoder };
interface TextDecoder {
  readonly encoding: string;
  decode(input?: ArrayBufferView | ArrayBuffer): string;
}
declare var TextDecoder: { new (label?: string): TextDecoder };
