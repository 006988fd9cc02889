/**
 * State shared while lowering one program: the checker, interned string literals, global slots, the
 * symbol name of every function (prefixed by its module, see `modulePrefix`), and where each
 * variable lives.
 */
import path from 'node:path';
import ts from 'typescript';
import type { Cls, IrData, IrFunction } from '../../ir/types.js';

/** Where a variable lives: a temporary of the current function, or a global slot. */
export type Storage =
  | { kind: 'temp'; id: number; cls: Cls }
  /** `name`: a program variable (checked for the temporal dead zone when read from a function). */
  | { kind: 'global'; index: number; cls: Cls; name?: string; module?: ts.SourceFile }
  /** Word `index` of the environment of function `owner` (./closures.ts). */
  | { kind: 'env'; owner: ts.Node; index: number; cls: Cls };

/**
 * The built-in classes, created by the runtime (rt.errors.init) in the program's first global slots.
 */
export const BUILTIN_CLASSES = ['Error', 'TypeError', 'RangeError', 'ReferenceError', 'SyntaxError'] as const;

export class ModuleContext {
  readonly data: IrData[] = [];
  readonly globalNames: string[] = [];
  readonly globals = new Map<ts.Symbol, Storage>();
  /** Globals assigned inside some function: never trust a narrowed type for them. */
  readonly unstable = new Set<ts.Symbol>();
  /** Captured variables: the function whose environment holds them, and their word there. */
  readonly captured = new Map<ts.Symbol, { owner: ts.Node; index: number }>();
  /** Methods whose `this` an arrow function inside uses: its word in the method's environment. */
  readonly capturedThis = new Map<ts.Node, number>();
  /** Number of captured variables per function. */
  readonly envSize = new Map<ts.Node, number>();
  /** Nested functions and function expressions, lowered while their parent is. */
  readonly nested: IrFunction[] = [];
  /** Built-in functions used as values (`xs.map(Number)`): each wrapper's global slot, by name. */
  readonly builtinValues = new Map<string, number>();
  private anonymous = 0;
  private strings = new Map<string, string>();
  /** Each program module's symbol prefix (`ts.` for the entry, `ts.<stem>:` for the others). */
  private prefixes = new Map<ts.SourceFile, string>();
  private inits = new Map<ts.SourceFile, string>();

  constructor(
    readonly checker: ts.TypeChecker,
    readonly runtimeFiles: ReadonlySet<ts.SourceFile>,
  ) {
    if (runtimeFiles.size === 0) this.globalNames.push(...BUILTIN_CLASSES);
  }

  isRuntime(node: ts.Node): boolean {
    return this.runtimeFiles.has(node.getSourceFile());
  }

  /** The data symbol of a string literal (interned; any UTF-16 units, lone surrogates included). */
  stringLiteral(text: string, _node: ts.Node): string {
    let name = this.strings.get(text);
    if (!name) {
      name = `str.${this.strings.size}`;
      this.strings.set(text, name);
      this.data.push({ name, kind: 'string', text });
    }
    return name;
  }

  /**
   * Names the program's modules (entry first): the entry keeps the plain `ts.<name>` symbols, every
   * other module gets `ts.<file stem>:` (`ts.lexer:tokenize`, `ts.lexer:class.Lexer.next`), with
   * `~2`, `~3`… after a stem already taken. `:` cannot occur in an identifier, so no prefix can
   * meet another module's names.
   */
  nameModules(files: readonly ts.SourceFile[]): void {
    const taken = new Set<string>();
    files.forEach((sf, k) => {
      const base = path.basename(sf.fileName, '.ts');
      const stem = base === 'index' ? `${path.basename(path.dirname(sf.fileName))}/index` : base;
      let name = stem;
      for (let n = 2; taken.has(name); n++) name = `${stem}~${n}`;
      taken.add(name);
      this.prefixes.set(sf, k === 0 ? 'ts.' : `ts.${name}:`);
      this.inits.set(sf, `module:${name}`);
    });
  }

  /** The function running `sf`'s top-level statements (not `ts.`: never inlined). */
  initSymbol(sf: ts.SourceFile): string {
    return this.inits.get(sf) ?? 'module:main';
  }

  /** The symbol prefix of the module holding `node`. */
  modulePrefix(node: ts.Node): string {
    return this.prefixes.get(node.getSourceFile()) ?? 'ts.';
  }

  addGlobal(sym: ts.Symbol, cls: Cls): Storage {
    const module = sym.declarations?.[0]?.getSourceFile();
    const s: Storage = { kind: 'global', index: this.globalNames.length, cls, name: sym.name };
    if (module) s.module = module;
    // The IR dump's `globals` line: a module's variables carry its prefix (`lexer:pos`).
    const prefix = module ? this.modulePrefix(module).slice(3) : '';
    this.globalNames.push(`${prefix}${sym.name}`);
    this.globals.set(sym, s);
    return s;
  }

  /** Linker symbol of a function declaration: `ts.<name>` in the program, `rt.<file>.<name>` in the runtime. */
  functionSymbol(decl: ts.FunctionDeclaration): string {
    const name = decl.name?.text ?? 'default';
    const sf = decl.getSourceFile();
    if (this.runtimeFiles.has(sf)) return `rt.${path.basename(sf.fileName, '.ts')}.${name}`;
    return `${this.modulePrefix(sf)}${name}`;
  }

  /** A fresh linker symbol for a nested function or function expression in `node`'s module. */
  nestedSymbol(name: string, node: ts.Node): string {
    this.anonymous++;
    return `${this.modulePrefix(node)}${name}.${this.anonymous}`;
  }

  /** Follows import aliases (runtime sources import each other). */
  resolveSymbol(sym: ts.Symbol | undefined): ts.Symbol | undefined {
    return aliasTarget(this.checker, sym);
  }
}

/** `sym` itself, or what it imports when it is an import alias. */
export function aliasTarget(checker: ts.TypeChecker, sym: ts.Symbol | undefined): ts.Symbol | undefined {
  return sym && sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : sym;
}

/** The value declaration `node` names, through import aliases. */
export function declarationOf(checker: ts.TypeChecker, node: ts.Node): ts.Declaration | undefined {
  return aliasTarget(checker, checker.getSymbolAtLocation(node))?.valueDeclaration;
}
