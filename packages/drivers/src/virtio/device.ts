/**
 * The device initialisation handshake of virtio 1.2 §3.1.1: reset, ACKNOWLEDGE, DRIVER, feature
 * negotiation (VERSION_1 required: legacy devices are refused), FEATURES_OK and its read-back, and
 * finally DRIVER_OK once the driver has set up its queues. Any failure sets FAILED and throws VirtioError
 * with what went wrong, so a caller can log it and go on without the device.
 */
import {
  F_VERSION_1,
  hasFeature,
  STATUS_ACKNOWLEDGE,
  STATUS_DEVICE_NEEDS_RESET,
  STATUS_DRIVER,
  STATUS_DRIVER_OK,
  STATUS_FAILED,
  STATUS_FEATURES_OK,
  VirtioError,
} from './constants.js';
import type { Transport } from './transport.js';

/**
 * Resets the device and negotiates features: `wanted` are the feature words the driver can use; the
 * result is what both sides agreed (wanted ∩ offered). VERSION_1 is always required.
 */
export function negotiate(t: Transport, wanted: number[]): number[] {
  if (!t.reset()) throw new VirtioError(`virtio ${t.name}: the device did not reset (status stays non-zero)`);
  t.setStatus(STATUS_ACKNOWLEDGE);
  t.setStatus(STATUS_ACKNOWLEDGE | STATUS_DRIVER);
  const offered = [t.deviceFeatures(0) >>> 0, t.deviceFeatures(1) >>> 0];
  if (!hasFeature(offered, F_VERSION_1)) {
    fail(t);
    throw new VirtioError(
      `virtio ${t.name}: the device does not offer VIRTIO_F_VERSION_1 (legacy only); Toro drives virtio 1.x devices only`,
    );
  }
  const agreed = [(offered[0] & wanted[0]) >>> 0, (offered[1] & wanted[1]) >>> 0];
  t.setDriverFeatures(0, agreed[0]);
  t.setDriverFeatures(1, agreed[1]);
  t.setStatus(STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK);
  if ((t.status() & STATUS_FEATURES_OK) === 0) {
    fail(t);
    throw new VirtioError(
      `virtio ${t.name}: the device rejected the features (FEATURES_OK not set); asked for 0x${agreed[1].toString(16)}_${agreed[0].toString(16).padStart(8, '0')}`,
    );
  }
  return agreed;
}

/** The last step: the driver is ready (queues set up). Throws if the device has already given up. */
export function driverOk(t: Transport): void {
  t.setStatus(STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK | STATUS_DRIVER_OK);
  const s = t.status();
  if ((s & (STATUS_DEVICE_NEEDS_RESET | STATUS_FAILED)) !== 0)
    throw new VirtioError(`virtio ${t.name}: the device failed during set-up (status 0x${s.toString(16)})`);
}

/** Tells the device the driver gave up on it. */
export function fail(t: Transport): void {
  t.setStatus(t.status() | STATUS_FAILED);
}

/** Whether the device says it needs a reset (DEVICE_NEEDS_RESET) or has failed. */
export function deviceBroken(t: Transport): boolean {
  return (t.status() & (STATUS_DEVICE_NEEDS_RESET | STATUS_FAILED)) !== 0;
}
