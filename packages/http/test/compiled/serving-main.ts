// The compiled side of the serving scenario in compiled.test.ts: serving.ts's lines on stdout.
import { serving } from './serving.js';

await serving((line) => console.log(line));
