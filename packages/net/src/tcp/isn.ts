/**
 * Initial sequence numbers after RFC 6528: ISN = M + F(local address, local port, remote address,
 * remote port, secret), where M is a clock ticking every 4 microseconds and F a keyed hash. The secret
 * comes from the caller's seed (the kernel's entropy, a test's fixed number): no Node crypto here. The
 * same generator picks ephemeral ports. The hash is a 32-bit mixing function (multiply/xor/rotate
 * rounds in the style of MurmurHash3's finaliser), not a cryptographic one: it keeps ISNs of
 * different connections unrelated to an observer who does not know the secret, which is what RFC 6528
 * asks for against blind spoofing, without claiming the strength of a keyed cryptographic hash.
 */

/** a * b modulo 2^32, exact with doubles (each partial product stays below 2^53). */
export function mul32(a: number, b: number): number {
  const lo = (a & 0xffff) * (b >>> 0);
  const hi = (((a >>> 16) * (b >>> 0)) & 0xffff) * 0x10000;
  return (lo + hi) >>> 0;
}

function mix(h: number, k: number): number {
  let x = mul32(k >>> 0, 0xcc9e2d51);
  x = ((x << 15) | (x >>> 17)) >>> 0;
  x = mul32(x, 0x1b873593);
  let y = (h ^ x) >>> 0;
  y = ((y << 13) | (y >>> 19)) >>> 0;
  return (mul32(y, 5) + 0xe6546b64) >>> 0;
}

function fmix(h: number): number {
  let x = h >>> 0;
  x = (x ^ (x >>> 16)) >>> 0;
  x = mul32(x, 0x85ebca6b);
  x = (x ^ (x >>> 13)) >>> 0;
  x = mul32(x, 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

export class IsnGenerator {
  private readonly secret: number[];
  private state: number;

  /** `seed`: any numbers (at least one); they become the secret key and the port generator's state. */
  constructor(seed: number[]) {
    this.secret = [];
    let h = 0x9e3779b9;
    for (let i = 0; i < 4; i++) {
      const s = seed.length > 0 ? seed[i % seed.length] : 0;
      h = fmix(mix(h, (s >>> 0) ^ i));
      this.secret.push(h);
    }
    this.state = fmix(h ^ 0x5bd1e995) || 1;
  }

  /** The ISN for a connection at time `nowMs`. */
  isn(localAddr: number, localPort: number, remoteAddr: number, remotePort: number, nowMs: number): number {
    let h = this.secret[0];
    h = mix(h, localAddr);
    h = mix(h, remoteAddr);
    h = mix(h, ((localPort & 0xffff) * 0x10000 + (remotePort & 0xffff)) >>> 0);
    h = mix(h, this.secret[1]);
    h = mix(h, this.secret[2]);
    h = fmix(mix(h, this.secret[3]));
    const m = Math.floor(nowMs * 250) % 0x100000000;
    return (h + m) >>> 0;
  }

  /** A pseudo-random 32-bit number (xorshift32 over the seeded state). */
  next(): number {
    let x = this.state;
    x = (x ^ (x << 13)) >>> 0;
    x = (x ^ (x >>> 17)) >>> 0;
    x = (x ^ (x << 5)) >>> 0;
    this.state = x;
    return x;
  }
}
