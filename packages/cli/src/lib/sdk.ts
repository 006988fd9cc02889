/** Where the @toro/sdk package this CLI was built with lives on disk. */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

export function sdkPackageDir(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('@toro/sdk/package.json'));
}
