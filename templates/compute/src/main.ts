/**
 * {{name}}: a service compiled ahead of time into a Toro unikernel. Everything here is ordinary
 * TypeScript; `toro run` boots it in a VM, `toro dev` runs the same file on Node.js.
 */

const TEXT = `the quick brown fox jumps over the lazy dog
the dog sleeps and the fox runs
a fox a dog and a quick brown bird`;

interface Order {
  id: number;
  customer: string;
  items: { sku: string; quantity: number; price: number }[];
}

/** How often each word occurs, most frequent first (ties in alphabetical order). */
function wordCounts(text: string): [string, number][] {
  const counts = new Map<string, number>();
  for (const line of text.split('\n')) {
    for (const word of line.split(' ')) {
      if (word !== '') counts.set(word, (counts.get(word) ?? 0) + 1);
    }
  }
  const entries: [string, number][] = [];
  counts.forEach((n, w) => {
    entries.push([w, n]);
  });
  entries.sort((a, b) => (b[1] !== a[1] ? b[1] - a[1] : a[0] < b[0] ? -1 : 1));
  return entries;
}

/** The primes below `limit` (sieve of Eratosthenes). */
function primesBelow(limit: number): number[] {
  const composite: boolean[] = [];
  for (let i = 0; i < limit; i++) composite.push(false);
  const primes: number[] = [];
  for (let i = 2; i < limit; i++) {
    if (composite[i]) continue;
    primes.push(i);
    for (let j = i * i; j < limit; j += i) composite[j] = true;
  }
  return primes;
}

/** Parses orders sent as JSON and answers with each customer's total, as JSON. */
function totals(request: string): string {
  const orders = JSON.parse(request) as Order[];
  const byCustomer = new Map<string, number>();
  for (const order of orders) {
    let sum = 0;
    for (const item of order.items) sum += item.quantity * item.price;
    byCustomer.set(order.customer, (byCustomer.get(order.customer) ?? 0) + sum);
  }
  const result: { customer: string; total: string }[] = [];
  byCustomer.forEach((total, customer) => {
    result.push({ customer, total: total.toFixed(2) });
  });
  return JSON.stringify(result);
}

function main(): number {
  console.log('Hello from {{name}}!');

  const top = wordCounts(TEXT).slice(0, 3);
  console.log(`most frequent words: ${top.map(([w, n]) => `${w} (${n})`).join(', ')}`);

  const primes = primesBelow(100_000);
  console.log(`${primes.length} primes below 100000; the largest is ${primes[primes.length - 1]}`);

  const request = JSON.stringify([
    { id: 1, customer: 'ada', items: [{ sku: 'pen', quantity: 3, price: 1.25 }] },
    { id: 2, customer: 'alan', items: [{ sku: 'ink', quantity: 1, price: 7.5 }] },
    { id: 3, customer: 'ada', items: [{ sku: 'pad', quantity: 2, price: 2.4 }] },
  ]);
  console.log(`totals: ${totals(request)}`);
  return 0;
}

export default main;
