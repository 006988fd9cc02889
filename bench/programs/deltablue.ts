// DeltaBlue (simplified): an incremental one-way-dataflow constraint solver after Freeman-Benson and
// Maloney's DeltaBlue. Kept: strengths, walkabout strengths, incremental add/remove with
// propagation, plan extraction and execution, stay/edit/equality/scale constraints, the chain and
// projection tests. Simplified: constraints are at most binary with a fixed direction choice rule,
// strengths are plain numbers (0 = required, larger = weaker), and no Strength/Direction classes.
// Left as idiomatic TypeScript on purpose: constraints register themselves (`this` as a value), which
// the compiler refuses today, so the benchmark reports this program as refused until it does.
const REQUIRED = 0;
const STRONG_PREFERRED = 1;
const PREFERRED = 2;
const STRONG_DEFAULT = 3;
const NORMAL = 4;
const WEAK_DEFAULT = 5;
const WEAKEST = 6;

const NONE = 0;
const FORWARD = 1;
const BACKWARD = 2;

function stronger(a: number, b: number): boolean {
  return a < b;
}
function weaker(a: number, b: number): boolean {
  return a > b;
}
function weakestOf(a: number, b: number): number {
  return weaker(a, b) ? a : b;
}

class Variable {
  constraints: Constraint[] = [];
  determinedBy: Constraint | null = null;
  mark = 0;
  walkStrength = WEAKEST;
  stay = true;
  constructor(
    public name: string,
    public value: number,
  ) {}
  removeConstraint(c: Constraint): void {
    this.constraints = this.constraints.filter((x) => x !== c);
    if (this.determinedBy === c) this.determinedBy = null;
  }
}

abstract class Constraint {
  constructor(public strength: number) {}
  abstract isSatisfied(): boolean;
  abstract markUnsatisfied(): void;
  abstract addToGraph(): void;
  abstract removeFromGraph(): void;
  abstract chooseMethod(mark: number): void;
  abstract markInputs(mark: number): void;
  abstract inputsKnown(mark: number): boolean;
  abstract output(): Variable;
  abstract recalculate(): void;
  abstract execute(): void;
  isInput(): boolean {
    return false;
  }
  addConstraint(p: Planner): void {
    this.addToGraph();
    p.incrementalAdd(this);
  }
  satisfy(mark: number, p: Planner): Constraint | null {
    this.chooseMethod(mark);
    if (!this.isSatisfied()) {
      if (this.strength === REQUIRED) throw new Error('Could not satisfy a required constraint');
      return null;
    }
    this.markInputs(mark);
    const out = this.output();
    const overridden = out.determinedBy;
    if (overridden !== null) overridden.markUnsatisfied();
    out.determinedBy = this;
    if (!p.addPropagate(this, mark)) throw new Error('Cycle encountered');
    out.mark = mark;
    return overridden;
  }
  destroyConstraint(p: Planner): void {
    if (this.isSatisfied()) p.incrementalRemove(this);
    else this.removeFromGraph();
  }
}

abstract class UnaryConstraint extends Constraint {
  satisfied = false;
  constructor(
    public myOutput: Variable,
    strength: number,
  ) {
    super(strength);
  }
  addToGraph(): void {
    this.myOutput.constraints.push(this);
    this.satisfied = false;
  }
  chooseMethod(mark: number): void {
    this.satisfied = this.myOutput.mark !== mark && stronger(this.strength, this.myOutput.walkStrength);
  }
  isSatisfied(): boolean {
    return this.satisfied;
  }
  markInputs(_mark: number): void {}
  output(): Variable {
    return this.myOutput;
  }
  recalculate(): void {
    this.myOutput.walkStrength = this.strength;
    this.myOutput.stay = !this.isInput();
    if (this.myOutput.stay) this.execute();
  }
  markUnsatisfied(): void {
    this.satisfied = false;
  }
  inputsKnown(_mark: number): boolean {
    return true;
  }
  removeFromGraph(): void {
    this.myOutput.removeConstraint(this);
    this.satisfied = false;
  }
}

class StayConstraint extends UnaryConstraint {
  execute(): void {}
}

class EditConstraint extends UnaryConstraint {
  isInput(): boolean {
    return true;
  }
  execute(): void {}
}

class BinaryConstraint extends Constraint {
  direction = NONE;
  constructor(
    public v1: Variable,
    public v2: Variable,
    strength: number,
  ) {
    super(strength);
  }
  chooseMethod(mark: number): void {
    if (this.v1.mark === mark) {
      this.direction =
        this.v2.mark !== mark && stronger(this.strength, this.v2.walkStrength) ? FORWARD : NONE;
    } else if (this.v2.mark === mark) {
      this.direction =
        this.v1.mark !== mark && stronger(this.strength, this.v1.walkStrength) ? BACKWARD : NONE;
    } else if (weaker(this.v1.walkStrength, this.v2.walkStrength)) {
      this.direction = stronger(this.strength, this.v1.walkStrength) ? BACKWARD : NONE;
    } else {
      this.direction = stronger(this.strength, this.v2.walkStrength) ? FORWARD : BACKWARD;
    }
  }
  addToGraph(): void {
    this.v1.constraints.push(this);
    this.v2.constraints.push(this);
    this.direction = NONE;
  }
  isSatisfied(): boolean {
    return this.direction !== NONE;
  }
  markInputs(mark: number): void {
    this.input().mark = mark;
  }
  input(): Variable {
    return this.direction === FORWARD ? this.v1 : this.v2;
  }
  output(): Variable {
    return this.direction === FORWARD ? this.v2 : this.v1;
  }
  recalculate(): void {
    const ihn = this.input();
    const out = this.output();
    out.walkStrength = weakestOf(this.strength, ihn.walkStrength);
    out.stay = ihn.stay;
    if (out.stay) this.execute();
  }
  markUnsatisfied(): void {
    this.direction = NONE;
  }
  inputsKnown(mark: number): boolean {
    const i = this.input();
    return i.mark === mark || i.stay || i.determinedBy === null;
  }
  removeFromGraph(): void {
    this.v1.removeConstraint(this);
    this.v2.removeConstraint(this);
    this.direction = NONE;
  }
  execute(): void {
    this.output().value = this.input().value;
  }
}

class EqualityConstraint extends BinaryConstraint {}

class ScaleConstraint extends BinaryConstraint {
  constructor(
    src: Variable,
    public scale: Variable,
    public offset: Variable,
    dest: Variable,
    strength: number,
  ) {
    super(src, dest, strength);
  }
  addToGraph(): void {
    super.addToGraph();
    this.scale.constraints.push(this);
    this.offset.constraints.push(this);
  }
  removeFromGraph(): void {
    super.removeFromGraph();
    this.scale.removeConstraint(this);
    this.offset.removeConstraint(this);
  }
  markInputs(mark: number): void {
    super.markInputs(mark);
    this.scale.mark = mark;
    this.offset.mark = mark;
  }
  execute(): void {
    if (this.direction === FORWARD) {
      this.v2.value = this.v1.value * this.scale.value + this.offset.value;
    } else {
      this.v1.value = (this.v2.value - this.offset.value) / this.scale.value;
    }
  }
  recalculate(): void {
    const ihn = this.input();
    const out = this.output();
    out.walkStrength = weakestOf(this.strength, ihn.walkStrength);
    out.stay = ihn.stay && this.scale.stay && this.offset.stay;
    if (out.stay) this.execute();
  }
}

class Planner {
  currentMark = 0;
  newMark(): number {
    return ++this.currentMark;
  }
  incrementalAdd(c: Constraint): void {
    const mark = this.newMark();
    let overridden = c.satisfy(mark, this);
    while (overridden !== null) overridden = overridden.satisfy(mark, this);
  }
  incrementalRemove(c: Constraint): void {
    const out = c.output();
    c.markUnsatisfied();
    c.removeFromGraph();
    const unsatisfied = this.removePropagateFrom(out);
    for (let s = REQUIRED; s <= WEAKEST; s++) {
      for (const u of unsatisfied) if (u.strength === s) this.incrementalAdd(u);
    }
  }
  extractPlanFromConstraints(constraints: Constraint[]): Constraint[] {
    const sources: Constraint[] = [];
    for (const c of constraints) if (c.isInput() && c.isSatisfied()) sources.push(c);
    return this.makePlan(sources);
  }
  makePlan(sources: Constraint[]): Constraint[] {
    const mark = this.newMark();
    const plan: Constraint[] = [];
    const todo = sources;
    while (todo.length > 0) {
      const c = todo.pop() as Constraint;
      if (c.output().mark !== mark && c.inputsKnown(mark)) {
        plan.push(c);
        c.output().mark = mark;
        this.addConstraintsConsumingTo(c.output(), todo);
      }
    }
    return plan;
  }
  addPropagate(c: Constraint, mark: number): boolean {
    const todo: Constraint[] = [c];
    while (todo.length > 0) {
      const d = todo.pop() as Constraint;
      if (d.output().mark === mark) {
        this.incrementalRemove(c);
        return false;
      }
      d.recalculate();
      this.addConstraintsConsumingTo(d.output(), todo);
    }
    return true;
  }
  removePropagateFrom(out: Variable): Constraint[] {
    out.determinedBy = null;
    out.walkStrength = WEAKEST;
    out.stay = true;
    const unsatisfied: Constraint[] = [];
    const todo: Variable[] = [out];
    while (todo.length > 0) {
      const v = todo.pop() as Variable;
      for (const c of v.constraints) if (!c.isSatisfied()) unsatisfied.push(c);
      const determining = v.determinedBy;
      for (const next of v.constraints) {
        if (next !== determining && next.isSatisfied()) {
          next.recalculate();
          todo.push(next.output());
        }
      }
    }
    return unsatisfied;
  }
  addConstraintsConsumingTo(v: Variable, coll: Constraint[]): void {
    const determining = v.determinedBy;
    for (const c of v.constraints) if (c !== determining && c.isSatisfied()) coll.push(c);
  }
}

function runPlan(plan: Constraint[]): void {
  for (const c of plan) c.execute();
}

function change(p: Planner, v: Variable, newValue: number): void {
  const edit = new EditConstraint(v, PREFERRED);
  edit.addConstraint(p);
  const plan = p.extractPlanFromConstraints([edit]);
  for (let i = 0; i < 10; i++) {
    v.value = newValue;
    runPlan(plan);
  }
  edit.destroyConstraint(p);
}

function chainTest(n: number): number {
  const p = new Planner();
  let prev: Variable | null = null;
  let first: Variable | null = null;
  let last: Variable | null = null;
  for (let i = 0; i <= n; i++) {
    const v = new Variable(`v${i}`, 0);
    if (prev !== null) new EqualityConstraint(prev, v, REQUIRED).addConstraint(p);
    if (i === 0) first = v;
    if (i === n) last = v;
    prev = v;
  }
  if (first === null || last === null) throw new Error('empty chain');
  new StayConstraint(last, STRONG_DEFAULT).addConstraint(p);
  const edit = new EditConstraint(first, PREFERRED);
  edit.addConstraint(p);
  const plan = p.extractPlanFromConstraints([edit]);
  let sum = 0;
  for (let i = 0; i < 100; i++) {
    first.value = i;
    runPlan(plan);
    if (last.value !== i) throw new Error('Chain test failed');
    sum += last.value;
  }
  return sum;
}

function projectionTest(n: number): number {
  const p = new Planner();
  const scale = new Variable('scale', 10);
  const offset = new Variable('offset', 1000);
  let src: Variable = scale;
  let dst: Variable = scale;
  const dests: Variable[] = [];
  for (let i = 0; i < n; i++) {
    src = new Variable(`src${i}`, i);
    dst = new Variable(`dst${i}`, i);
    dests.push(dst);
    new StayConstraint(src, NORMAL).addConstraint(p);
    new ScaleConstraint(src, scale, offset, dst, REQUIRED).addConstraint(p);
  }
  change(p, src, 17);
  if (dst.value !== 1170) throw new Error('Projection 1 failed');
  change(p, dst, 1050);
  if (src.value !== 5) throw new Error('Projection 2 failed');
  change(p, scale, 5);
  for (let i = 0; i < n - 1; i++) if (dests[i].value !== i * 5 + 1000) throw new Error('Projection 3 failed');
  change(p, offset, 2000);
  for (let i = 0; i < n - 1; i++) if (dests[i].value !== i * 5 + 2000) throw new Error('Projection 4 failed');
  let sum = 0;
  for (const d of dests) sum += d.value;
  return sum;
}

const ROUNDS = 100;
let total = 0;
for (let r = 0; r < ROUNDS; r++) total += chainTest(100) + projectionTest(100);
console.log(`deltablue total ${total} (strengths ${STRONG_PREFERRED}..${WEAK_DEFAULT})`);
