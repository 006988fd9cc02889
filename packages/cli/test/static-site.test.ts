/**
 * The static-site template end to end, as a user has it: `toro new static-site --yes`, then the same
 * curl requests against `toro dev -p` and against `toro run -p` under QEMU TCG (1 CPU on microvm, 2 and
 * 4 on q35) must get the same answers: the pages and the binary image byte for byte with their content
 * types, an ETag and a 304 for it, byte ranges (206, 416), a folder's redirect and index, the site's 404
 * page, 405, and no way out of the site's folder; ab's kept-alive requests for the image all succeed.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { step } from '../../drivers/test/clients.js';
import { runScript, type Script, scriptUnderDev, underToro } from './http-project.js';
import { runToro } from './run-toro.js';

const run = promisify(execFile);
const READY = 'site: 8 files on port 80';

let work: string;
let dir: string;
beforeAll(() => {
  work = realpathSync(mkdtempSync(join(tmpdir(), 'toro-static-site-')));
  expect(runToro(['new', 'static-site', 'site', '--yes'], { cwd: work }).status).toBe(0);
  dir = join(work, 'site');
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * The index page's ETag as scaffolded with the name "site" (FNV-1a of its bytes, and its length), which
 * the script sends back; it changes when the template's index.html does (the first check says so).
 */
const ETAG = '"727535f2-2ca"';

const SCRIPT: Script = [
  [[], '/'],
  [[], '/css/site.css'],
  [[], '/img/icon.png'],
  [[], '/img/logo.svg'],
  [[], '/js/site.js'],
  [[], '/robots.txt'],
  [[], '/about'],
  [[], '/about/'],
  [['-H', `If-None-Match: ${ETAG}`], '/'],
  [['-H', 'If-None-Match: "other"'], '/index.html'],
  [['-r', '0-14'], '/index.html'],
  [['-r', '-9'], '/robots.txt'],
  [['-r', '5000-'], '/robots.txt'],
  [['-r', '0-1,4-5'], '/robots.txt'],
  [['-H', 'Range: bytes=0-3', '-H', 'If-Range: "old"'], '/robots.txt'],
  [['-I'], '/img/icon.png'],
  [[], '/no/such/page'],
  [['-X', 'POST'], '/index.html'],
  [['--path-as-is'], '/../toro.json'],
  [['--path-as-is'], '/css/%2e%2e/%2e%2e/src/main.ts'],
  [[], '/%zz'],
  [[], '/'],
];

describe('toro new static-site', () => {
  it('on 2 CPUs (q35): every answer as under toro dev — types, ETag/304, ranges, redirects, 404 page', async () => {
    const expected = await scriptUnderDev(dir, READY, 2, SCRIPT);
    const index = readFileSync(join(dir, 'public', 'index.html'), 'latin1');
    const status = (i: number) => expected[i].slice(0, expected[i].indexOf('\n'));
    expect(expected[0]).toContain(`etag: ${ETAG}\n`);
    expect(expected[0]).toContain('content-type: text/html; charset=utf-8\n');
    expect(expected[0].endsWith(`\n\n${index}`)).toBe(true);
    expect(expected[2]).toContain('content-type: image/png\n');
    expect(expected[2].endsWith(readFileSync(join(dir, 'public', 'img', 'icon.png'), 'latin1'))).toBe(true);
    expect(expected[3]).toContain('content-type: image/svg+xml\n');
    expect(expected[6]).toContain('location: /about/\n');
    expect(status(6)).toBe('HTTP/1.1 301 Moved Permanently');
    expect(expected[7]).toContain('<h1>About</h1>');
    expect(status(8)).toBe('HTTP/1.1 304 Not Modified');
    expect(status(9)).toBe('HTTP/1.1 200 OK');
    expect(expected[10]).toContain('content-range: bytes 0-14/');
    expect(expected[10].endsWith('\n\n<!doctype html>')).toBe(true);
    expect(expected[11].endsWith('\n\nAllow: /\n')).toBe(true);
    expect(status(12)).toBe('HTTP/1.1 416 Range Not Satisfiable');
    expect(expected[12]).toContain('content-range: bytes */23\n');
    expect(status(13)).toBe('HTTP/1.1 200 OK');
    expect(status(14)).toBe('HTTP/1.1 200 OK');
    expect(expected[16]).toMatch(/^HTTP\/1\.1 404 Not Found\n[\s\S]*<h1>Not found<\/h1>/);
    expect(status(17)).toBe('HTTP/1.1 405 Method Not Allowed');
    expect(expected[17]).toContain('allow: GET, HEAD\n');
    for (const i of [18, 19]) expect(status(i)).toBe('HTTP/1.1 404 Not Found');
    expect(status(20)).toBe('HTTP/1.1 400 Bad Request');
    await underToro(dir, READY, 2, 'q35', async (port) => {
      expect(await runScript(port, SCRIPT)).toEqual(expected);
      const ab = await step('ab -k', () =>
        run('ab', ['-k', '-q', '-n', '500', '-c', '4', `http://127.0.0.1:${port}/img/icon.png`], {
          timeout: 120_000,
        }),
      );
      expect(ab.stdout).toMatch(/Complete requests:\s+500/);
      expect(ab.stdout).toMatch(/Failed requests:\s+0/);
      expect(ab.stdout).toMatch(/Document Length:\s+105 bytes/);
    });
  }, 400_000);

  it('on 1 CPU (microvm) and on 4 (q35): every answer as under toro dev', async () => {
    const one = await scriptUnderDev(dir, READY, 1, SCRIPT);
    await underToro(dir, READY, 1, 'microvm', async (port) => {
      expect(await runScript(port, SCRIPT)).toEqual(one);
    });
    await underToro(dir, READY, 4, 'q35', async (port) => {
      expect(await runScript(port, SCRIPT)).toEqual(one);
    });
  }, 500_000);
});
