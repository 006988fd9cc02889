// n-body: the classic planetary simulation (classes + float math). Prints the energy before and after.
const PI = Math.PI;
const SOLAR_MASS = 4 * PI * PI;
const DAYS_PER_YEAR = 365.24;

class Body {
  constructor(
    public x: number,
    public y: number,
    public z: number,
    public vx: number,
    public vy: number,
    public vz: number,
    public mass: number,
  ) {}
}

function makeBodies(): Body[] {
  return [
    new Body(0, 0, 0, 0, 0, 0, SOLAR_MASS),
    new Body(
      4.841431442464721,
      -1.1603200440274284,
      -0.10362204447112311,
      0.001660076642744037 * DAYS_PER_YEAR,
      0.007699011184197404 * DAYS_PER_YEAR,
      -6.90460016972063e-5 * DAYS_PER_YEAR,
      0.0009547919384243266 * SOLAR_MASS,
    ),
    new Body(
      8.34336671824458,
      4.124798564124305,
      -0.4035234171143214,
      -0.002767425107268624 * DAYS_PER_YEAR,
      0.004998528012349172 * DAYS_PER_YEAR,
      0.000023041729757376396 * DAYS_PER_YEAR,
      0.0002858859806661308 * SOLAR_MASS,
    ),
    new Body(
      12.894369562139131,
      -15.111151401698631,
      -0.22330757889265573,
      0.002964601375647616 * DAYS_PER_YEAR,
      0.0023784717395948095 * DAYS_PER_YEAR,
      -0.000029658956854023756 * DAYS_PER_YEAR,
      4.366244043351563e-5 * SOLAR_MASS,
    ),
    new Body(
      15.379697114850917,
      -25.919314609987964,
      0.17925877295037118,
      0.0026806777249038932 * DAYS_PER_YEAR,
      0.001628241700382423 * DAYS_PER_YEAR,
      -0.00009515922545197157 * DAYS_PER_YEAR,
      5.151389020466114e-5 * SOLAR_MASS,
    ),
  ];
}

function offsetMomentum(bodies: Body[]): void {
  let px = 0;
  let py = 0;
  let pz = 0;
  for (const b of bodies) {
    px += b.vx * b.mass;
    py += b.vy * b.mass;
    pz += b.vz * b.mass;
  }
  bodies[0].vx = -px / SOLAR_MASS;
  bodies[0].vy = -py / SOLAR_MASS;
  bodies[0].vz = -pz / SOLAR_MASS;
}

function advance(bodies: Body[], dt: number): void {
  const n = bodies.length;
  for (let i = 0; i < n; i++) {
    const bi = bodies[i];
    for (let j = i + 1; j < n; j++) {
      const bj = bodies[j];
      const dx = bi.x - bj.x;
      const dy = bi.y - bj.y;
      const dz = bi.z - bj.z;
      const d2 = dx * dx + dy * dy + dz * dz;
      const mag = dt / (d2 * Math.sqrt(d2));
      bi.vx -= dx * bj.mass * mag;
      bi.vy -= dy * bj.mass * mag;
      bi.vz -= dz * bj.mass * mag;
      bj.vx += dx * bi.mass * mag;
      bj.vy += dy * bi.mass * mag;
      bj.vz += dz * bi.mass * mag;
    }
  }
  for (const b of bodies) {
    b.x += dt * b.vx;
    b.y += dt * b.vy;
    b.z += dt * b.vz;
  }
}

function energy(bodies: Body[]): number {
  let e = 0;
  const n = bodies.length;
  for (let i = 0; i < n; i++) {
    const bi = bodies[i];
    e += 0.5 * bi.mass * (bi.vx * bi.vx + bi.vy * bi.vy + bi.vz * bi.vz);
    for (let j = i + 1; j < n; j++) {
      const bj = bodies[j];
      const dx = bi.x - bj.x;
      const dy = bi.y - bj.y;
      const dz = bi.z - bj.z;
      e -= (bi.mass * bj.mass) / Math.sqrt(dx * dx + dy * dy + dz * dz);
    }
  }
  return e;
}

const STEPS = 500000;
const bodies = makeBodies();
offsetMomentum(bodies);
console.log(energy(bodies).toFixed(9));
for (let s = 0; s < STEPS; s++) advance(bodies, 0.01);
console.log(energy(bodies).toFixed(9));
