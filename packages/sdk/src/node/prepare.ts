/**
 * Turns a TypeScript project into JavaScript the node backend can run, in a temporary folder:
 *
 * - every .ts/.mts file under the project (not node_modules, build or dot-folders) is type-stripped with
 *   TypeScript's `transpileModule` (no type check: `tsc` or the editor does that) with a source map, so
 *   stacks name the .ts files and lines;
 * - relative imports are rewritten to the emitted files (`./util`, `./util.ts`, `./util.js` → `./util.js`);
 * - every top-level exported function is tagged with its module URL and export name (cpu.ts EXPORT_TAG),
 *   which is how `spawnOn` finds a function on another CPU; untagged functions are refused there;
 * - `node_modules/@toro/sdk` in the folder links to this SDK, so the service gets this backend.
 *
 * The caller removes the folder (`dispose`).
 */
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

export interface Prepared {
  /** file: URL of the emitted entry module. */
  entryUrl: string;
  dir: string;
  dispose(): void;
}

const SKIP = new Set(['node_modules', 'build', 'dist']);

/** Emits the project rooted at `root` (entry `entry`, absolute or relative to root) into a temp folder. */
export function prepareProject(root: string, entry: string): Prepared {
  const projectDir = resolve(root);
  const entryPath = resolve(projectDir, entry);
  const dir = mkdtempSync(join(tmpdir(), 'toro-dev-'));
  try {
    const out = join(dir, 'app');
    mkdirSync(out);
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
    for (const file of sourceFiles(projectDir)) {
      const target = join(out, relative(projectDir, file)).replace(/\.m?ts$/, '.js');
      mkdirSync(dirname(target), { recursive: true });
      const { code, map } = emit(file, target);
      writeFileSync(target, code);
      writeFileSync(`${target}.map`, map);
    }
    const sdkDir = fileURLToPath(new URL('../../', import.meta.url));
    mkdirSync(join(dir, 'node_modules', '@toro'), { recursive: true });
    symlinkSync(sdkDir, join(dir, 'node_modules', '@toro', 'sdk'), 'dir');
    const entryOut = join(out, relative(projectDir, entryPath)).replace(/\.m?ts$/, '.js');
    return {
      entryUrl: pathToFileURL(entryOut).href,
      dir,
      dispose: () => rmSync(dir, { recursive: true, force: true }),
    };
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

function sourceFiles(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.') || SKIP.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...sourceFiles(path));
    else if (/\.m?ts$/.test(name) && !/\.d\.m?ts$/.test(name)) found.push(path);
  }
  return found;
}

/** One module: specifiers rewritten, types stripped, exported functions tagged. */
function emit(file: string, target: string): { code: string; map: string } {
  const source = readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const result = ts.transpileModule(source, {
    fileName: file,
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      sourceMap: true,
      verbatimModuleSyntax: false,
    },
    transformers: { before: [rewriteSpecifiers(file)] },
  });
  const tags = exportedFunctions(sf)
    .map(
      ([local, name]) =>
        `if (typeof ${local} === 'function' && !Object.hasOwn(${local}, Symbol.for('toro.export'))) ` +
        `Object.defineProperty(${local}, Symbol.for('toro.export'), { value: { url: import.meta.url, name: ${JSON.stringify(name)} } });`,
    )
    .join('\n');
  const code = result.outputText.replace(/\/\/# sourceMappingURL=.*\s*$/, '');
  const map = JSON.parse(result.sourceMapText ?? '{}') as { sources?: string[]; file?: string };
  map.sources = [pathToFileURL(file).href];
  map.file = target;
  return {
    code: `${code}\n${tags}\n//# sourceMappingURL=${basename(target)}.map\n`,
    map: JSON.stringify(map),
  };
}

/** [local name, export name] of each function a module declares at top level and exports. */
function exportedFunctions(sf: ts.SourceFile): Array<[string, string]> {
  const found: Array<[string, string]> = [];
  const exported = (node: ts.Node): boolean =>
    ts.canHaveModifiers(node) &&
    (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  const isDefault = (node: ts.Node): boolean =>
    ts.canHaveModifiers(node) &&
    (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
  for (const st of sf.statements) {
    if (ts.isFunctionDeclaration(st) && st.name && exported(st) && st.body) {
      found.push([st.name.text, isDefault(st) ? 'default' : st.name.text]);
    } else if (ts.isVariableStatement(st) && exported(st)) {
      for (const d of st.declarationList.declarations) {
        if (ts.isIdentifier(d.name)) found.push([d.name.text, d.name.text]);
      }
    } else if (
      ts.isExportDeclaration(st) &&
      !st.moduleSpecifier &&
      st.exportClause &&
      ts.isNamedExports(st.exportClause)
    ) {
      for (const el of st.exportClause.elements) {
        if (!el.isTypeOnly && !st.isTypeOnly)
          found.push([(el.propertyName ?? el.name).getText(sf), el.name.getText(sf)]);
      }
    } else if (ts.isExportAssignment(st) && !st.isExportEquals && ts.isIdentifier(st.expression)) {
      found.push([st.expression.text, 'default']);
    }
  }
  return found;
}

/** Rewrites relative import/export specifiers to the emitted .js files. */
function rewriteSpecifiers(file: string): ts.TransformerFactory<ts.SourceFile> {
  const fix = (spec: string): string => {
    if (!spec.startsWith('./') && !spec.startsWith('../')) return spec;
    if (/\.m?ts$/.test(spec)) return spec.replace(/\.m?ts$/, '.js');
    if (/\.m?js$/.test(spec)) return spec;
    const base = resolve(dirname(file), spec);
    for (const [suffix, out] of [
      ['.ts', '.js'],
      ['/index.ts', '/index.js'],
    ] as const) {
      try {
        if (statSync(base + suffix).isFile()) return spec + out;
      } catch {
        // not this one
      }
    }
    return spec;
  };
  return (ctx) => (sf) => {
    const f = ctx.factory;
    const visit = (node: ts.Node): ts.Node => {
      if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
        return f.updateImportDeclaration(
          node,
          node.modifiers,
          node.importClause,
          f.createStringLiteral(fix(node.moduleSpecifier.text)),
          node.attributes,
        );
      }
      if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
        return f.updateExportDeclaration(
          node,
          node.modifiers,
          node.isTypeOnly,
          node.exportClause,
          f.createStringLiteral(fix(node.moduleSpecifier.text)),
          node.attributes,
        );
      }
      if (
        ts.isCallExpression(node) &&
        node.expression.kind === ts.SyntaxKind.ImportKeyword &&
        node.arguments.length > 0 &&
        ts.isStringLiteral(node.arguments[0])
      ) {
        const [spec, ...rest] = node.arguments;
        return f.updateCallExpression(node, node.expression, node.typeArguments, [
          f.createStringLiteral(fix((spec as ts.StringLiteral).text)),
          ...rest,
        ]);
      }
      return ts.visitEachChild(node, visit, ctx);
    };
    return ts.visitNode(sf, visit) as ts.SourceFile;
  };
}
