// Bundles the Node host (src/node.ts and everything it imports) into dist/node.mjs, so that the
// `wirefeed` command loads one module instead of compiling TypeScript on the fly (about a second
// saved at every start). bin/wirefeed.mjs calls it when the bundle is missing or older than src/;
// `node scripts/bundle-node.mjs` forces it.
import { mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const BUNDLE = join(root, 'dist', 'node.mjs');

/** Whether dist/node.mjs is missing or older than a file under src/, package.json or this script. */
export function bundleIsStale() {
  const built = statSync(BUNDLE, { throwIfNoEntry: false })?.mtimeMs;
  if (built === undefined) return true;
  const sources = readdirSync(join(root, 'src'), { recursive: true }).map((file) => join(root, 'src', String(file)));
  return [...sources, join(root, 'package.json'), fileURLToPath(import.meta.url)].some((file) => statSync(file).mtimeMs > built);
}

/**
 * gray-matter's default engines module brings in js-yaml 3 (and, through its `!!js/function`
 * type, esprima) and an engine that runs front matter as JavaScript. src/articles/parse.ts
 * replaces every one of those engines, so the bundle gets an empty module in its place: nothing
 * in it could run a content file, whatever a later change to the options forgets.
 */
const noDefaultMatterEngines = {
  name: 'no-default-matter-engines',
  setup(build) {
    build.onLoad({ filter: /[\\/]gray-matter[\\/]lib[\\/]engines\.js$/ }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
  },
};

/** Writes the bundle and its source map; each file appears whole (written aside, then renamed). */
export async function bundleNode() {
  // Imported here, not at the top: every `wirefeed` start loads this module to check the
  // bundle, and importing esbuild took 60 ms of each, for the rare start that rebuilds it.
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [join(root, 'src', 'node.ts')],
    outfile: BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Dependencies too: one file to read and compile starts about 0.3 s sooner than a few hundred
    // modules resolved one by one. CommonJS dependencies get a require() of their own.
    banner: { js: "import { createRequire as __wirefeedRequire } from 'node:module'; const require = __wirefeedRequire(import.meta.url);" },
    sourcemap: true,
    plugins: [noDefaultMatterEngines],
    write: false,
    logLevel: 'warning',
  });
  mkdirSync(dirname(BUNDLE), { recursive: true });
  for (const file of result.outputFiles) {
    const aside = `${file.path}.${process.pid}.tmp`;
    writeFileSync(aside, file.contents);
    renameSync(aside, file.path);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bundleNode();
