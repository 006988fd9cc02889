import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Args, Flags } from '@oclif/core';
import {
  DEFAULT_MEMORY,
  FaultWatcher,
  formatSymbolizedFault,
  type GuestExit,
  type ImageSymbol,
  looksLikeDisk,
  type Machine,
  readDiskKernel,
  readElfSymbols,
  readLayout,
  type SymbolizedFault,
  startGuest,
} from '@toro/toolchain';
import { ToroCommand } from '../lib/base-command.js';
import { ExitCode, UserError } from '../lib/errors.js';
import { parsePort, portFlag } from '../lib/ports.js';
import { diskPathFor, imagePathFor, loadProject, type Project } from '../lib/project.js';

export interface RunResult {
  image: string;
  /** kernel: QEMU loaded the ELF (PVH); disk: the BIOS booted the disk image. */
  bootFrom: 'kernel' | 'disk';
  machine: Machine;
  accel: 'kvm' | 'tcg';
  cpus: number;
  memory: string;
  exitCode: number | null;
  exitSource: GuestExit['source'];
  durationMs: number;
  /** Serial console lines (only collected with --json; otherwise they stream to stdout). */
  serial?: string[];
  /** Fault reports the kernel printed, symbolized with the image's symbols (--json only). */
  faults?: FaultSummary[];
}

/** A kernel fault report in JSON-safe form: addresses as 0x-prefixed hex strings. */
export interface FaultSummary {
  kind: string;
  name: string;
  vector: number;
  /** The CPU's error code (page faults: bit 0 present, 1 write, 4 instruction fetch). */
  error: string;
  cpu?: number;
  /** rip, rsp, cr2, rax... as printed by the kernel. */
  registers: Record<string, string>;
  frames: { address: string; location?: string }[];
}

export default class Run extends ToroCommand<RunResult> {
  static override summary = 'Boot an image in QEMU and stream its serial console.';
  static override description =
    'Boots IMAGE (default: the image `toro build` wrote for the project in this folder) and prints the ' +
    "guest's serial console. IMAGE may be a PVH ELF or a disk image from `toro build --format disk`, which " +
    "boots through the BIOS on q35 as a cloud VM would. The command exits with the guest's exit code; " +
    'Ctrl-C stops the guest. KVM is ' +
    'used only when a quick probe boot works under it; otherwise QEMU emulates the CPU (TCG). Port forwards ' +
    'listen on 127.0.0.1 only.';
  static override examples = [
    '<%= config.bin %> run',
    '<%= config.bin %> run build/hello.elf --cpus 4 --memory 512M --machine q35',
    '<%= config.bin %> run --accel tcg -p 8080:80',
    '<%= config.bin %> run --disk -p 8080:80',
  ];
  static override args = {
    image: Args.string({
      ignoreStdin: true,
      description: 'PVH ELF or disk image to boot (default: the project build output)',
    }),
  };
  static override flags = {
    cpus: Flags.integer({
      description: 'CPUs (default: as built, else toro.json, else 1)',
      min: 1,
      max: 255,
    }),
    memory: Flags.string({
      description: 'guest memory, e.g. 128M or 2G (default: as built, else toro.json)',
    }),
    numa: Flags.integer({ description: 'NUMA nodes; CPUs and memory are split evenly', min: 1, max: 64 }),
    disk: Flags.boolean({
      description: "boot the project's disk image (build/<name>.img, from `toro build --format disk`)",
      default: false,
    }),
    machine: Flags.string({
      description: 'QEMU machine (default: microvm for an ELF, q35 for a disk)',
      options: ['microvm', 'q35'],
    }),
    accel: Flags.string({ description: 'accelerator', options: ['auto', 'kvm', 'tcg'], default: 'auto' }),
    port: portFlag,
    tap: Flags.string({
      description:
        'attach the NIC to this existing tap device instead of the user network (no -p); the guest gets ' +
        'its address from --append ip=... or that network',
    }),
    append: Flags.string({ description: 'kernel command line' }),
    timeout: Flags.integer({
      description: 'stop the guest after this many seconds (default: no limit)',
      min: 1,
    }),
    log: Flags.string({ description: 'also write the serial console to this file' }),
  };

  async run(): Promise<RunResult> {
    const { args, flags } = await this.parse(Run);
    const project = args.image ? undefined : loadProject(process.cwd());
    const projectImage = (p: Project) => (flags.disk ? diskPathFor(p) : imagePathFor(p));
    const image = resolve(args.image ?? projectImage(project as Project));
    if (!existsSync(image)) {
      throw new UserError(
        `no image at ${image}`,
        args.image
          ? 'check the path'
          : `build it first with \`toro build${flags.disk ? ' --format disk' : ''}\``,
      );
    }
    const bytes = readFileSync(image);
    const bootFrom = looksLikeDisk(bytes) ? 'disk' : 'kernel';
    if (flags.disk && bootFrom !== 'disk')
      throw new UserError(`${image} is not a disk image`, 'build one with `toro build --format disk`');
    const kernel = bootFrom === 'disk' ? diskKernel(image, bytes) : bytes;
    // Flags win, then what `toro build` recorded in the image, then toro.json.
    const layout = readLayout(kernel);
    const cpus = flags.cpus ?? layout?.cpus ?? project?.config.cpus ?? 1;
    const memory = flags.memory ?? layout?.memory ?? project?.config.memory ?? DEFAULT_MEMORY;
    const machine = (flags.machine ?? (bootFrom === 'disk' ? 'q35' : 'microvm')) as Machine;
    const json = this.jsonEnabled();

    const guest = await startGuest({
      image,
      bootFrom,
      machine,
      cpus,
      memory,
      numa: flags.numa,
      append: flags.append,
      ports: (flags.port ?? []).map(parsePort),
      tap: flags.tap,
      accel: flags.accel as 'auto' | 'kvm' | 'tcg',
      timeoutMs: flags.timeout ? flags.timeout * 1000 : 0,
      logFile: flags.log,
    });

    for (const note of guest.notes) this.warn(note);
    // Ctrl-C (or a SIGTERM) stops the guest; the command then exits as a shell expects, 128 + signal.
    let signalled: number | undefined;
    const stopOn = (code: number) => (): void => {
      signalled = code;
      void guest.stop();
    };
    const onInt = stopOn(130);
    const onTerm = stopOn(143);
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
    // Fault reports are symbolized as they end, right under the raw block.
    const faults = new FaultWatcher(imageSymbols(kernel));
    guest.serial.on('data', (line: string) => {
      if (!json) process.stdout.write(`${line}\n`);
      const fault = faults.push(line);
      if (fault && !json) process.stdout.write(`${formatSymbolizedFault(fault).join('\n')}\n`);
    });
    const exit = await guest.exited;
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);

    if (exit.error) this.logToStderr(`toro run: ${exit.error}`);
    process.exitCode = signalled ?? exit.code ?? ExitCode.failure;
    return {
      image,
      bootFrom,
      machine,
      accel: guest.accel,
      cpus,
      memory,
      exitCode: exit.code,
      exitSource: exit.source,
      durationMs: Math.round(exit.durationMs),
      serial: json ? [...guest.lines] : undefined,
      faults: json && faults.faults.length > 0 ? faults.faults.map(faultSummary) : undefined,
    };
  }
}

/** The kernel ELF a disk image carries; a UserError naming the file when it carries none. */
function diskKernel(image: string, bytes: Uint8Array): Uint8Array {
  try {
    return readDiskKernel(bytes);
  } catch (e) {
    throw new UserError(
      `${image}: ${(e as Error).message}`,
      'build the disk with `toro build --format disk`',
    );
  }
}

/** The kernel's symbols, or none when it has no readable symbol table (faults then print unresolved). */
function imageSymbols(kernel: Uint8Array): ImageSymbol[] {
  try {
    return readElfSymbols(kernel);
  } catch {
    return [];
  }
}

function faultSummary(fault: SymbolizedFault): FaultSummary {
  const { report } = fault;
  return {
    kind: report.kind,
    name: report.name,
    vector: report.vector,
    error: `0x${report.error.toString(16)}`,
    cpu: report.cpu,
    registers: Object.fromEntries(
      Object.entries(report.registers).map(([name, value]) => [name, `0x${value.toString(16)}`]),
    ),
    frames: fault.frames.map((f) => ({ address: `0x${f.address.toString(16)}`, location: f.location })),
  };
}
