/**
 * Links objects into a LinkedImage, turning the linker's diagnostics into a BuildError.
 */

import type { LinkedImage } from '../link/image.js';
import { LinkError, link } from '../link/index.js';
import type { ObjectFile } from '../obj/object.js';
import { BuildError } from './errors.js';

export function linkObjects(objects: ObjectFile[]): LinkedImage {
  try {
    return link(objects);
  } catch (e) {
    if (e instanceof LinkError) throw new BuildError('link failed', e.diagnostics);
    throw e;
  }
}
