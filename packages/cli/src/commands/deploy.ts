import { Flags } from '@oclif/core';
import { ToroCommand } from '../lib/base-command.js';
import { ExitCode, UserError } from '../lib/errors.js';

export interface DeployResult {
  target: string;
  deployed: boolean;
}

export const DEPLOY_TARGETS = ['gcp', 'aws', 'azure', 'firecracker'] as const;

export default class Deploy extends ToroCommand<DeployResult> {
  static override summary = 'Deploy the built image to a cloud (not available yet).';
  static override description =
    'Uploads the image that `toro build` wrote and starts it as a VM on the chosen target. ' +
    'This command is not available yet: it lands with the deployment milestone. Until then, boot the image ' +
    'locally with `toro run`, hand the ELF (a PVH kernel) to any VMM that boots PVH (QEMU -kernel, ' +
    'Firecracker 1.12 or later, Cloud Hypervisor), or build a disk that boots under a BIOS: ' +
    '`toro build --format gce` writes the tarball Compute Engine imports by hand.';
  static override examples = [
    '<%= config.bin %> deploy --target gcp --project my-project --region europe-west1',
  ];
  static override flags = {
    target: Flags.string({ description: 'where to deploy', options: [...DEPLOY_TARGETS], required: true }),
    image: Flags.string({ description: 'image to deploy (default: the project build output)' }),
    project: Flags.string({ description: 'cloud project or account to deploy into' }),
    region: Flags.string({ description: 'cloud region or zone' }),
    'instance-type': Flags.string({ description: 'machine type, e.g. e2-small' }),
  };

  async run(): Promise<DeployResult> {
    const { flags } = await this.parse(Deploy);
    throw new UserError(
      `toro deploy --target ${flags.target} is not available yet`,
      flags.target === 'gcp'
        ? 'build the image Compute Engine imports with `toro build --format gce` (disk.raw in a tarball), or boot it locally with `toro run --disk`'
        : 'boot the image locally with `toro run`, or pass the ELF to a PVH-capable VMM (QEMU -kernel, Firecracker >= 1.12)',
      ExitCode.failure,
    );
  }
}
