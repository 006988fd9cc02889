// The compiled side of the static-file scenario in compiled.test.ts: static.ts's lines on stdout.
import { staticServing } from './static.js';

await staticServing((line) => console.log(line));
