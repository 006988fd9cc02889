/** PCI: configuration access, enumeration, BARs, capabilities, MSI and MSI-X. */
export { type Bar, BarKind, readBars } from './bar.js';
export {
  CAP_MSI,
  CAP_MSIX,
  CAP_PCIE,
  CAP_VENDOR,
  type Capability,
  capabilities,
  enableMsi,
  findCapability,
  type MsiInfo,
  msiInfo,
} from './capability.js';
export { type ConfigAccess, EcamConfig, LegacyConfig } from './config.js';
export { enumerate, findDevices } from './enumerate.js';
export { CMD_BUS_MASTER, CMD_INTX_DISABLE, CMD_IO, CMD_MEMORY, hex, PciFunction } from './function.js';
export { MsixTable } from './msix.js';
