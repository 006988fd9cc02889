/**
 * The compiler's declaration of `@toro/sdk` (src/compiler/frontend/sdk.ts) must export exactly what the
 * SDK package exports (packages/sdk/src/index.ts), so a service type-checks the same for both backends.
 */
import path from 'node:path';
import ts from 'typescript';
import { expect, test } from 'vitest';
import { SDK_SOURCE } from '../../src/compiler/frontend/sdk.js';

const here = path.dirname(new URL(import.meta.url).pathname);

function exportsOf(program: ts.Program, file: string): string[] {
  const checker = program.getTypeChecker();
  const sf = program.getSourceFile(file);
  if (!sf) throw new Error(`no source file ${file}`);
  const mod = checker.getSymbolAtLocation(sf);
  if (!mod) throw new Error(`${file} is not a module`);
  return checker
    .getExportsOfModule(mod)
    .map((s) => s.getName())
    .sort();
}

test('the compiled SDK declares every export of @toro/sdk, and nothing else', () => {
  const sdkIndex = path.resolve(here, '../../../sdk/src/index.ts');
  const real = exportsOf(
    ts.createProgram([sdkIndex], {
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      noEmit: true,
    }),
    sdkIndex,
  );
  const virtualName = '/virtual/sdk.d.ts';
  const host = ts.createCompilerHost({});
  const get = host.getSourceFile.bind(host);
  host.getSourceFile = (f, v, onError, create) =>
    f === virtualName ? ts.createSourceFile(f, SDK_SOURCE, v, true) : get(f, v, onError, create);
  const compiled = exportsOf(ts.createProgram([virtualName], { noEmit: true }, host), virtualName);
  expect(real.length).toBeGreaterThan(15);
  expect(compiled).toEqual(real);
});
