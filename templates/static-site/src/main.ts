// {{name}}: a static site on port 80. Every file under public/ is compiled into the image (toro.json
// "files"); embeddedFiles() gives them back as bytes, with no disk and no copy, and serveStatic answers
// for them: Content-Type by extension, an ETag per file (If-None-Match → 304), byte ranges (Range →
// 206), index.html for a folder. The network belongs to networkCpu() (CPU 0); the site is served from
// CPU 1 when the image has a second CPU.
import { cpus, embeddedFiles, type Main, networkCpu, Response, serve, serveStatic, spawnOn } from '@toro/sdk';

const PORT = 80;

/** Serves the embedded files on this CPU until the server is shut down. */
export async function serveSite(): Promise<void> {
  const files = embeddedFiles();
  const missing = files.get('404.html') ?? new TextEncoder().encode('not found\n');
  const site = serveStatic(files, {
    // A path that names no file gets the site's own 404 page.
    fallback: () =>
      new Response(missing, { status: 404, headers: { 'content-type': 'text/html; charset=utf-8' } }),
  });
  const server = await serve({ port: PORT }, site);
  console.log(`{{name}}: ${files.size} files on port ${server.port}`);
  await server.stopped();
}

const main: Main = async () => {
  const n = cpus().length;
  const siteCpu = n > 1 ? (networkCpu() + 1) % n : 0;
  console.log(`{{name}}: ${n} CPU(s): network on CPU ${networkCpu()}, site on CPU ${siteCpu}`);
  await spawnOn(siteCpu, serveSite).join();
  return 0;
};

export default main;
