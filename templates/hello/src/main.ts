import type { Main } from '@toro/sdk';

/** The service's entry point: it runs on CPU 0 once the kernel is up; what it returns is the exit code. */
const main: Main = () => {
  console.log('Hello from {{name}}!');
  return 0;
};

export default main;
