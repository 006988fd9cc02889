/**
 * Bus enumeration: every function on bus 0 and, through PCI-to-PCI bridges, on their secondary buses,
 * with multi-function devices' functions 1–7. Bus numbers are the firmware's (SeaBIOS assigns them on
 * q35); a bridge whose secondary bus is unassigned, or names a bus already walked (a broken or hostile
 * topology), is not followed, so the walk always ends.
 */
import type { ConfigAccess } from './config.js';
import { PCI_HEADER_TYPE, PCI_SECONDARY_BUS, PCI_VENDOR, PciFunction } from './function.js';

/** Every function present, in bus order (a bridge's buses right after the bridge). */
export function enumerate(cfg: ConfigAccess): PciFunction[] {
  const found: PciFunction[] = [];
  const seenBus = new Uint8Array(256);
  scanBus(cfg, 0, found, seenBus);
  return found;
}

function scanBus(cfg: ConfigAccess, bus: number, found: PciFunction[], seenBus: Uint8Array): void {
  if (seenBus[bus] !== 0) return;
  seenBus[bus] = 1;
  for (let dev = 0; dev < 32; dev++) {
    if (cfg.read16(bus, dev, 0, PCI_VENDOR) === 0xffff) continue;
    const multi = (cfg.read8(bus, dev, 0, PCI_HEADER_TYPE) & 0x80) !== 0;
    const fns = multi ? 8 : 1;
    for (let fn = 0; fn < fns; fn++) {
      if (cfg.read16(bus, dev, fn, PCI_VENDOR) === 0xffff) continue;
      const f = new PciFunction(cfg, bus, dev, fn);
      found.push(f);
      if (f.headerType === 1) {
        const secondary = f.read8(PCI_SECONDARY_BUS);
        if (secondary > bus && secondary < 256) scanBus(cfg, secondary, found, seenBus);
      }
    }
  }
}

/** The functions with this vendor and device id. */
export function findDevices(all: PciFunction[], vendorId: number, deviceId: number): PciFunction[] {
  return all.filter((f) => f.vendorId === vendorId && f.deviceId === deviceId);
}
