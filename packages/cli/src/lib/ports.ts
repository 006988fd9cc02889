/** `-p HOST:GUEST[/tcp|/udp]`, the port forward flag `toro run` and `toro dev` share. */
import { Flags } from '@oclif/core';
import type { PortForward } from '@toro/toolchain';
import { UserError } from './errors.js';

export const portFlag = Flags.string({
  char: 'p',
  description: 'forward 127.0.0.1:HOST to the guest port GUEST (HOST:GUEST, repeatable)',
  multiple: true,
});

export function parsePort(spec: string): PortForward {
  const m = /^(\d{1,5}):(\d{1,5})(?:\/(tcp|udp))?$/.exec(spec);
  if (!m) {
    throw new UserError(`bad port forward "${spec}"`, 'write HOST:GUEST, e.g. -p 8080:80 (or 5353:53/udp)');
  }
  return { host: Number(m[1]), guest: Number(m[2]), proto: (m[3] as 'tcp' | 'udp' | undefined) ?? 'tcp' };
}
