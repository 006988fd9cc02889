/**
 * Dedication: giving a machine resource to one CPU, which then serves it for every other CPU.
 *
 * 'net0' is the network device: its owner runs the network stack for every CPU (`networkCpu()`, net.ts;
 * under `toro dev` only the number is recorded, every CPU uses the host's sockets).
 *
 * The console is the first resource. Its owner (CPU 0 at boot) writes every console line; `console.log`
 * and `console.error` on another CPU send the finished line to the owner as a message. A line is written
 * whole, so lines never interleave mid-line, and the lines of one CPU appear in the order it wrote them,
 * also across a change of owner. Moving the console to a CPU that mostly waits keeps output flowing while
 * the other CPUs compute; an owner that computes without awaiting holds everyone's output back.
 */
import { backend, checkCpu } from './backend.js';

/** Resources a CPU can be dedicated to. */
export type Resource = 'console' | 'net0';

/** Makes `cpu` the owner of `resource`; resolves once the owner has taken over. */
export function dedicate(resource: Resource, cpu: number): Promise<void> {
  if (resource !== 'console' && resource !== 'net0')
    throw new TypeError(`dedicate: unknown resource ${JSON.stringify(resource)}`);
  checkCpu(cpu, 'dedicate');
  return backend().dedicate(resource, cpu);
}
