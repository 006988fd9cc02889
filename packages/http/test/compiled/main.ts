// The compiled side of compiled.test.ts: scenario.ts's lines on stdout.
import { scenario } from './scenario.js';

scenario((line) => console.log(line));
