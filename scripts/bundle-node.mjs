// `npm start` runs this first (prestart): it bundles the Node host into dist/node.mjs, so that
// start-up loads one module instead of compiling TypeScript on the fly (about a second saved).
import { build } from 'esbuild';

await build({
  entryPoints: ['src/node.ts'],
  outfile: 'dist/node.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
