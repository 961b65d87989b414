// Prints the size of each entry point bundled and minified by esbuild, raw and gzipped
// (the figure the SDK's 10 KB goal is about). React is external: the application has it.
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';

for (const entry of ['src/index.ts', 'src/react.ts']) {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    write: false,
    external: ['react'],
  });
  const code = result.outputFiles[0].contents;
  const gzipped = gzipSync(code, { level: 9 }).length;
  console.log(`${entry}: ${code.length} B minified, ${gzipped} B minified+gzipped`);
}
