/**
 * Closures: which variables live in environments, and how functions become values.
 *
 * Calling convention of the program's functions (the runtime's own keep native classes): the first
 * argument is the closure being called (undefined for a direct call of a top-level function), then
 * at most MAX_ARGS - 1 arguments, every one boxed (class v), and the result is boxed too. So a
 * direct call and a call through a function value look the same to the callee, whatever static
 * function type the caller saw.
 *
 * A variable declared in function D and used by a function nested in D is "captured": it lives in
 * D's environment, a WORDS object allocated when D is entered ([0] = the environment D's closure
 * carried, then one word per captured variable). A nested function's closure carries the
 * environment of the nearest enclosing function that has one; reaching a variable k environments
 * up follows [0] k times. Top-level variables are global slots, never captured. A captured variable
 * declared inside a loop lives in that loop's environment instead, allocated afresh for every
 * iteration (a `for` loop copies its variables into the next one before the increment, as
 * JavaScript's per-iteration bindings do); its word 0 is the enclosing scope's environment.
 */
import ts from 'typescript';
import { HEAP } from '../../backend/abi.js';
import { conL, type Operand } from '../../ir/types.js';
import { RT } from '../../runtime/symbols.js';
import type { ModuleContext } from './context.js';
import { type ExpressionLowering, thisOwner } from './expressions.js';

/** The function-like node whose body declares `node` (undefined at the top level). */
export function ownerOf(node: ts.Node): ts.SignatureDeclaration | undefined {
  let n: ts.Node | undefined = node.parent;
  while (n && !ts.isFunctionLike(n)) n = n.parent;
  return n as ts.SignatureDeclaration | undefined;
}

/** The innermost loop around `decl` inside its function `owner` (undefined when there is none). */
function enclosingLoop(decl: ts.Node, owner: ts.Node | undefined): ts.IterationStatement | undefined {
  for (let n: ts.Node | undefined = decl.parent; n && n !== owner; n = n.parent) {
    if (ts.isIterationStatement(n, false)) return n;
  }
  return undefined;
}

/** Finds every captured variable of the entry file and gives it a slot in its owner's environment. */
export function analyzeCaptures(mod: ModuleContext, entry: ts.SourceFile): void {
  const visit = (n: ts.Node): void => {
    if (n.kind === ts.SyntaxKind.ThisKeyword && ts.isArrowFunction(ownerOf(n) ?? n)) {
      const owner = thisOwner(n);
      if (owner && !mod.capturedThis.has(owner)) {
        const index = (mod.envSize.get(owner) ?? 0) + 1;
        mod.envSize.set(owner, index);
        mod.capturedThis.set(owner, index);
      }
    }
    if (ts.isIdentifier(n)) {
      const sym = mod.resolveSymbol(mod.checker.getSymbolAtLocation(n));
      const decl = sym?.valueDeclaration;
      if (
        sym &&
        decl &&
        decl.getSourceFile() === entry &&
        (ts.isVariableDeclaration(decl) ||
          ts.isParameter(decl) ||
          ts.isBindingElement(decl) ||
          ts.isFunctionDeclaration(decl)) &&
        !(ts.isFunctionDeclaration(decl) && decl.parent === entry) &&
        decl.name !== n
      ) {
        const fnOwner = ts.isParameter(decl) ? (decl.parent as ts.SignatureDeclaration) : ownerOf(decl);
        const user = ownerOf(n);
        if (user !== fnOwner) {
          // A variable declared in a loop lives in that loop's per-iteration environment.
          const owner = enclosingLoop(decl, fnOwner) ?? fnOwner;
          if (owner && !mod.captured.has(sym)) {
            const index = (mod.envSize.get(owner) ?? 0) + 1;
            mod.envSize.set(owner, index);
            mod.captured.set(sym, { owner, index });
          }
        }
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(entry);
}

/** A closure object for the function `symbol` with environment `env`. */
export function makeClosure(
  L: ExpressionLowering,
  symbol: string,
  env: Operand,
  name: string,
  node: ts.Node,
): Operand {
  const c = L.callRt(RT.allocWords, 'v', [conL(BigInt(HEAP.KIND_CLOSURE)), conL(3n)]);
  const code = L.b.fnaddr(symbol);
  L.b.effect('stw', c, conL(0n), code);
  L.b.effect('stw', c, conL(1n), env);
  L.b.effect('stw', c, conL(2n), L.string(name, node));
  return c;
}
