// Richards: an operating-system task scheduler simulation (idle, worker, handler and device tasks
// passing packets), after Martin Richards' benchmark; written from its published description.
// Written around two gaps of the compiler today: `this` is never used as a value (so appending a packet
// and the priority check are top-level functions), and the constructor reads `this.queue`, not its
// parameter property `queue`.
const ID_IDLE = 0;
const ID_WORKER = 1;
const ID_HANDLER_A = 2;
const ID_HANDLER_B = 3;
const ID_DEVICE_A = 4;
const ID_DEVICE_B = 5;
const NUMBER_OF_IDS = 6;
const KIND_DEVICE = 0;
const KIND_WORK = 1;
const DATA_SIZE = 4;

class Packet {
  a2: number[] = [0, 0, 0, 0];
  a1 = 0;
  constructor(
    public link: Packet | null,
    public id: number,
    public kind: number,
  ) {}
}

/** Appends `packet` to the queue headed by `queue`; returns the new head. */
function addTo(packet: Packet, queue: Packet | null): Packet {
  packet.link = null;
  if (queue === null) return packet;
  let next: Packet = queue;
  while (next.link !== null) next = next.link;
  next.link = packet;
  return queue;
}

abstract class Task {
  abstract run(packet: Packet | null): TaskControlBlock | null;
}

class TaskControlBlock {
  state: number;
  constructor(
    public link: TaskControlBlock | null,
    public id: number,
    public priority: number,
    public queue: Packet | null,
    public task: Task,
  ) {
    // state bits: 1 = packet pending, 2 = waiting, 4 = held
    this.state = this.queue === null ? 2 : 3;
  }
  setRunning(): void {
    this.state = 0;
  }
  markAsNotHeld(): void {
    this.state = this.state & ~4;
  }
  markAsHeld(): void {
    this.state = this.state | 4;
  }
  isHeldOrSuspended(): boolean {
    return (this.state & 4) !== 0 || this.state === 2;
  }
  markAsSuspended(): void {
    this.state = this.state | 2;
  }
  markAsRunnable(): void {
    this.state = this.state | 1;
  }
  run(): TaskControlBlock | null {
    let packet: Packet | null = null;
    if (this.state === 3) {
      packet = this.queue;
      if (packet !== null) {
        this.queue = packet.link;
        this.state = this.queue === null ? 0 : 1;
      }
    }
    return this.task.run(packet);
  }
}

/** Queues `packet` on `tcb`; returns the task to run next (`tcb` if it now outranks `task`). */
function checkPriorityAdd(tcb: TaskControlBlock, task: TaskControlBlock, packet: Packet): TaskControlBlock {
  if (tcb.queue === null) {
    tcb.queue = packet;
    tcb.markAsRunnable();
    if (tcb.priority > task.priority) return tcb;
  } else {
    tcb.queue = addTo(packet, tcb.queue);
  }
  return task;
}

class Scheduler {
  queueCount = 0;
  holdCount = 0;
  blocks: (TaskControlBlock | null)[] = [null, null, null, null, null, null];
  list: TaskControlBlock | null = null;
  currentTcb: TaskControlBlock | null = null;
  currentId = 0;

  addTask(id: number, priority: number, queue: Packet | null, task: Task): void {
    const tcb = new TaskControlBlock(this.list, id, priority, queue, task);
    this.currentTcb = tcb;
    this.list = tcb;
    this.blocks[id] = tcb;
  }
  schedule(): void {
    this.currentTcb = this.list;
    while (this.currentTcb !== null) {
      const tcb: TaskControlBlock = this.currentTcb;
      if (tcb.isHeldOrSuspended()) {
        this.currentTcb = tcb.link;
      } else {
        this.currentId = tcb.id;
        this.currentTcb = tcb.run();
      }
    }
  }
  current(): TaskControlBlock {
    const t = this.currentTcb;
    if (t === null) throw new Error('no current task');
    return t;
  }
  release(id: number): TaskControlBlock | null {
    const tcb = this.blocks[id];
    if (tcb === null) return tcb;
    tcb.markAsNotHeld();
    const cur = this.current();
    return tcb.priority > cur.priority ? tcb : cur;
  }
  holdCurrent(): TaskControlBlock | null {
    this.holdCount++;
    const cur = this.current();
    cur.markAsHeld();
    return cur.link;
  }
  suspendCurrent(): TaskControlBlock | null {
    const cur = this.current();
    cur.markAsSuspended();
    return cur;
  }
  queue(packet: Packet): TaskControlBlock | null {
    const t = this.blocks[packet.id];
    if (t === null) return t;
    this.queueCount++;
    packet.link = null;
    packet.id = this.currentId;
    return checkPriorityAdd(t, this.current(), packet);
  }
}

class IdleTask extends Task {
  constructor(
    public scheduler: Scheduler,
    public v1: number,
    public count: number,
  ) {
    super();
  }
  run(_packet: Packet | null): TaskControlBlock | null {
    this.count--;
    if (this.count === 0) return this.scheduler.holdCurrent();
    if ((this.v1 & 1) === 0) {
      this.v1 = this.v1 >> 1;
      return this.scheduler.release(ID_DEVICE_A);
    }
    this.v1 = (this.v1 >> 1) ^ 0xd008;
    return this.scheduler.release(ID_DEVICE_B);
  }
}

class DeviceTask extends Task {
  v1: Packet | null = null;
  constructor(public scheduler: Scheduler) {
    super();
  }
  run(packet: Packet | null): TaskControlBlock | null {
    if (packet === null) {
      const v = this.v1;
      if (v === null) return this.scheduler.suspendCurrent();
      this.v1 = null;
      return this.scheduler.queue(v);
    }
    this.v1 = packet;
    return this.scheduler.holdCurrent();
  }
}

class WorkerTask extends Task {
  constructor(
    public scheduler: Scheduler,
    public v1: number,
    public v2: number,
  ) {
    super();
  }
  run(packet: Packet | null): TaskControlBlock | null {
    if (packet === null) return this.scheduler.suspendCurrent();
    this.v1 = this.v1 === ID_HANDLER_A ? ID_HANDLER_B : ID_HANDLER_A;
    packet.id = this.v1;
    packet.a1 = 0;
    for (let i = 0; i < DATA_SIZE; i++) {
      this.v2++;
      if (this.v2 > 26) this.v2 = 1;
      packet.a2[i] = this.v2;
    }
    return this.scheduler.queue(packet);
  }
}

class HandlerTask extends Task {
  v1: Packet | null = null;
  v2: Packet | null = null;
  constructor(public scheduler: Scheduler) {
    super();
  }
  run(packet: Packet | null): TaskControlBlock | null {
    if (packet !== null) {
      if (packet.kind === KIND_WORK) this.v1 = addTo(packet, this.v1);
      else this.v2 = addTo(packet, this.v2);
    }
    const work = this.v1;
    if (work !== null) {
      const count = work.a1;
      if (count < DATA_SIZE) {
        const dev = this.v2;
        if (dev !== null) {
          this.v2 = dev.link;
          dev.a1 = work.a2[count];
          work.a1 = count + 1;
          return this.scheduler.queue(dev);
        }
      } else {
        this.v1 = work.link;
        return this.scheduler.queue(work);
      }
    }
    return this.scheduler.suspendCurrent();
  }
}

function runRichards(count: number): [number, number] {
  const s = new Scheduler();
  s.addTask(ID_IDLE, 0, null, new IdleTask(s, 1, count));
  s.current().setRunning();
  let queue = new Packet(null, ID_WORKER, KIND_WORK);
  queue = new Packet(queue, ID_WORKER, KIND_WORK);
  s.addTask(ID_WORKER, 1000, queue, new WorkerTask(s, ID_HANDLER_A, 0));
  queue = new Packet(null, ID_DEVICE_A, KIND_DEVICE);
  queue = new Packet(queue, ID_DEVICE_A, KIND_DEVICE);
  queue = new Packet(queue, ID_DEVICE_A, KIND_DEVICE);
  s.addTask(ID_HANDLER_A, 2000, queue, new HandlerTask(s));
  queue = new Packet(null, ID_DEVICE_B, KIND_DEVICE);
  queue = new Packet(queue, ID_DEVICE_B, KIND_DEVICE);
  queue = new Packet(queue, ID_DEVICE_B, KIND_DEVICE);
  s.addTask(ID_HANDLER_B, 3000, queue, new HandlerTask(s));
  s.addTask(ID_DEVICE_A, 4000, null, new DeviceTask(s));
  s.addTask(ID_DEVICE_B, 5000, null, new DeviceTask(s));
  s.schedule();
  return [s.queueCount, s.holdCount];
}

const ITERATIONS = 30;
let q = 0;
let h = 0;
for (let i = 0; i < ITERATIONS; i++) {
  const [qc, hc] = runRichards(10000);
  q += qc;
  h += hc;
}
console.log(`ids ${NUMBER_OF_IDS} queueCount ${q} holdCount ${h}`);
