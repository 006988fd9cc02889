/**
 * Turns runner options into QEMU's argv. Pure: no file system, no environment, so it is unit-tested directly
 * and the same argv can be shown to the user (`toro run --dry-run`) as is started.
 *
 * Always headless (-nodefaults -no-user-config -display none), serial COM1 on a stdio chardev (the runner
 * reads the guest console from QEMU's stdout), isa-debug-exit at 0xf4 for exit codes, and -no-reboot so a
 * triple fault ends the run instead of looping.
 */

import { VmOptionError } from './errors.js';
import { parseMemorySize } from './size.js';

export type Machine = 'microvm' | 'q35';
export type Accel = 'kvm' | 'tcg';

export interface PortForward {
  host: number;
  guest: number;
  proto?: 'tcp' | 'udp';
}

export interface QemuConfig {
  /** Path of the PVH ELF image passed to `-kernel`, or of the disk image with `bootFrom: 'disk'`. */
  image: string;
  /**
   * 'kernel' (default): QEMU loads the ELF itself (PVH). 'disk': `image` is a raw disk `toro build
   * --format disk` wrote, booted by the machine's firmware (SeaBIOS) from its first drive, as a cloud
   * VM boots it; q35 only, the command line is the one recorded in the disk, and QEMU writes nothing
   * back to the file (snapshot=on).
   */
  bootFrom?: 'kernel' | 'disk';
  /** Default 'microvm' (fast to boot, no PCI); 'q35' for a PC with PCI and full ACPI tables (SRAT...). */
  machine?: Machine;
  accel: Accel;
  /** Default 1. */
  cpus?: number;
  /** "64M", "2G", "512MiB"... or a number of MiB. Default 128M. */
  memory?: string | number;
  /** Number of NUMA nodes; CPUs and memory are split evenly. 0 or undefined: no NUMA topology. */
  numa?: number;
  /** Kernel command line (PVH cmdline). */
  append?: string;
  /** CPU model; default `host` under KVM, `max` under TCG. */
  cpu?: string;
  /** Host→guest forwards through user-mode networking; host side bound to 127.0.0.1 only. */
  ports?: PortForward[];
  /** Attach a user-mode NIC even with no ports. */
  network?: boolean;
  /**
   * The NIC on this existing tap device instead of QEMU's user network (not with ports or frames): the
   * guest is on the tap's network, at the address its `ip=` word (or that network's DHCP) gives it.
   * For a network namespace or a bridge of the user's own; QEMU opens the device, it makes nothing.
   */
  tap?: string;
  /**
   * Raw Ethernet frames to and from the guest's wire, for tests that inject frames: the NIC sits on a
   * QEMU hub with the user network and a datagram netdev that takes frames (one per UDP datagram) on
   * 127.0.0.1:`qemuPort` and sends a copy of every frame on the wire to 127.0.0.1:`peerPort`. The user
   * network is `restrict=on` then: injected frames must never make QEMU open connections to the world.
   */
  frames?: { qemuPort: number; peerPort: number };
  /** `-icount shift=N` (TCG only): a deterministic virtual clock for benchmarks. */
  icount?: number | 'auto';
  /** Appended verbatim at the end, for experiments. */
  extraArgs?: string[];
}

export const DEFAULT_MEMORY = '128M';
export const DEBUG_EXIT_PORT = 0xf4;
const SERIAL_CHARDEV = 'serial0';

function checkCount(what: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new VmOptionError(`${what} must be an integer from ${min} to ${max}, got ${value}`);
  }
}

function checkPort(what: string, value: number): void {
  checkCount(what, value, 1, 65535);
}

/** Splits `total` into `parts` near-equal integers, the larger ones first. */
function split(total: number, parts: number): number[] {
  const base = Math.floor(total / parts);
  const extra = total % parts;
  return Array.from({ length: parts }, (_, i) => base + (i < extra ? 1 : 0));
}

function numaArgs(nodes: number, cpus: number, memoryMiB: number): string[] {
  checkCount('numa', nodes, 1, 64);
  if (nodes > cpus) throw new VmOptionError(`numa=${nodes} needs at least ${nodes} CPUs, got ${cpus}`);
  if (nodes > memoryMiB) throw new VmOptionError(`numa=${nodes} needs at least ${nodes} MiB of memory`);
  const cpuSplit = split(cpus, nodes);
  const memSplit = split(memoryMiB, nodes);
  const args: string[] = [];
  let firstCpu = 0;
  for (let node = 0; node < nodes; node++) {
    const lastCpu = firstCpu + cpuSplit[node] - 1;
    const cpuRange = firstCpu === lastCpu ? `${firstCpu}` : `${firstCpu}-${lastCpu}`;
    args.push('-object', `memory-backend-ram,id=numa-mem${node},size=${memSplit[node]}M`);
    args.push('-numa', `node,nodeid=${node},cpus=${cpuRange},memdev=numa-mem${node}`);
    firstCpu = lastCpu + 1;
  }
  return args;
}

function netArgs(machine: Machine, ports: PortForward[], frames?: QemuConfig['frames']): string[] {
  const forwards = ports.map((p, i) => {
    const proto = p.proto ?? 'tcp';
    if (proto !== 'tcp' && proto !== 'udp') throw new VmOptionError(`ports[${i}].proto must be tcp or udp`);
    checkPort(`ports[${i}].host`, p.host);
    checkPort(`ports[${i}].guest`, p.guest);
    // Bind the host side to loopback: a dev VM must never be reachable from the network.
    return `,hostfwd=${proto}:127.0.0.1:${p.host}-:${p.guest}`;
  });
  const { modern, nic } = nicArgs(machine);
  if (frames === undefined) return [...modern, '-netdev', `user,id=net0${forwards.join('')}`, ...nic];
  checkPort('frames.qemuPort', frames.qemuPort);
  checkPort('frames.peerPort', frames.peerPort);
  const dgram =
    `dgram,id=frames,local.type=inet,local.host=127.0.0.1,local.port=${frames.qemuPort},` +
    `remote.type=inet,remote.host=127.0.0.1,remote.port=${frames.peerPort}`;
  return [
    ...modern,
    ...['-netdev', 'hubport,id=net0,hubid=0', ...nic],
    ...[
      '-netdev',
      `user,id=user0,restrict=on${forwards.join('')}`,
      '-netdev',
      'hubport,id=hub-user,hubid=0,netdev=user0',
    ],
    ...['-netdev', dgram, '-netdev', 'hubport,id=hub-frames,hubid=0,netdev=frames'],
  ];
}

/** The guest's virtio-net device on netdev net0, and what the machine needs for it. */
function nicArgs(machine: Machine): { modern: string[]; nic: string[] } {
  // Modern virtio only (virtio 1.x, what the drivers speak): QEMU's virtio-mmio defaults to the legacy
  // interface (version 1), and virtio-net-pci is transitional unless told otherwise.
  const device = machine === 'q35' ? 'virtio-net-pci,disable-legacy=on' : 'virtio-net-device';
  const modern = machine === 'q35' ? [] : ['-global', 'virtio-mmio.force-legacy=false'];
  return { modern, nic: ['-device', `${device},netdev=net0`] };
}

/** The NIC on an existing tap device (QemuConfig.tap). */
function tapArgs(machine: Machine, config: QemuConfig): string[] {
  const name = config.tap ?? '';
  if (!/^[A-Za-z0-9_.-]{1,15}$/.test(name))
    throw new VmOptionError(
      `tap must be a network interface name (1 to 15 letters, digits, . _ -), got '${name}'`,
    );
  if ((config.ports ?? []).length > 0)
    throw new VmOptionError(
      "port forwards go through QEMU's user network; with a tap device reach the guest at its own address",
    );
  if (config.frames !== undefined) throw new VmOptionError('frames need the user network, not a tap device');
  const { modern, nic } = nicArgs(machine);
  return [...modern, '-netdev', `tap,id=net0,ifname=${name},script=no,downscript=no`, ...nic];
}

export function buildQemuArgs(config: QemuConfig): string[] {
  const machine = config.machine ?? 'microvm';
  if (machine !== 'microvm' && machine !== 'q35') {
    throw new VmOptionError(`machine must be microvm or q35, got ${String(machine)}`);
  }
  if (config.accel !== 'kvm' && config.accel !== 'tcg') {
    throw new VmOptionError(`accel must be kvm or tcg, got ${String(config.accel)}`);
  }
  if (config.image === '') throw new VmOptionError('image path is empty');
  const bootFrom = config.bootFrom ?? 'kernel';
  if (bootFrom !== 'kernel' && bootFrom !== 'disk')
    throw new VmOptionError(`bootFrom must be kernel or disk, got ${String(bootFrom)}`);
  if (bootFrom === 'disk' && machine !== 'q35')
    throw new VmOptionError(
      'a disk image boots through the BIOS, which microvm does not have: use machine q35 (toro run: use --machine q35)',
    );
  if (bootFrom === 'disk' && config.append !== undefined && config.append !== '')
    throw new VmOptionError(
      'a disk image carries the command line it was built with: rebuild it with `toro build --format disk --append ...`',
    );
  const cpus = config.cpus ?? 1;
  checkCount('cpus', cpus, 1, 255);
  const memoryMiB = parseMemorySize(config.memory ?? DEFAULT_MEMORY);

  // x-option-roms=off: microvm's qboot loads a PVH kernel itself; the option ROMs only cost boot time.
  const machineArg = machine === 'microvm' ? 'microvm,x-option-roms=off' : 'q35';
  const args = ['-nodefaults', '-no-user-config', '-display', 'none', '-no-reboot'];
  args.push('-machine', machineArg, '-accel', config.accel);
  args.push('-cpu', config.cpu ?? (config.accel === 'kvm' ? 'host' : 'max'));
  args.push('-smp', String(cpus), '-m', `${memoryMiB}M`);
  if (config.numa !== undefined && config.numa !== 0) args.push(...numaArgs(config.numa, cpus, memoryMiB));
  // signal=off: a Ctrl-C typed on a terminal is the runner's to handle (guest.stop()), not QEMU's.
  args.push('-chardev', `stdio,id=${SERIAL_CHARDEV},signal=off`, '-serial', `chardev:${SERIAL_CHARDEV}`);
  args.push('-device', `isa-debug-exit,iobase=0x${DEBUG_EXIT_PORT.toString(16)},iosize=0x04`);
  const ports = config.ports ?? [];
  if (config.tap !== undefined) args.push(...tapArgs(machine, config));
  else if (ports.length > 0 || config.network === true || config.frames !== undefined)
    args.push(...netArgs(machine, ports, config.frames));
  if (config.icount !== undefined) {
    if (config.accel !== 'tcg')
      throw new VmOptionError('icount needs accel tcg (KVM runs on the real clock)');
    if (config.icount !== 'auto') checkCount('icount shift', config.icount, 0, 10);
    args.push('-icount', `shift=${config.icount}`);
  }
  if (bootFrom === 'disk') {
    // QEMU's option syntax doubles a comma that belongs to the value.
    args.push('-drive', `file=${config.image.replaceAll(',', ',,')},format=raw,snapshot=on`);
  } else args.push('-kernel', config.image);
  if (config.append !== undefined && config.append !== '') args.push('-append', config.append);
  args.push(...(config.extraArgs ?? []));
  return args;
}

/** Things that are allowed but probably not what the user expects; the CLI prints them as warnings. */
export function qemuConfigNotes(config: QemuConfig): string[] {
  const notes: string[] = [];
  const machine = config.machine ?? 'microvm';
  if (machine === 'microvm' && config.numa !== undefined && config.numa > 0) {
    notes.push(
      'microvm builds no SRAT: the NUMA nodes exist in QEMU but the guest cannot see them (use machine q35)',
    );
  }
  return notes;
}
