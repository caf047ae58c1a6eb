/**
 * The habits of docs/architecture.md that a machine can check: runtime-specific imports stay
 * in hosts and sources, and Cloudflare types are imported as types only.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const isRuntimeFile = (file: string) => ['src/node.ts', 'src/cli.ts', 'src/sources/fs.ts'].includes(file) || file.startsWith('src/node/');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('src/', () => {
  const files = sourceFiles('src');

  it.each(files.filter((file) => !isRuntimeFile(file)).map((file) => [file]))('%s imports nothing runtime-specific', (file) => {
    const text = readFileSync(file, 'utf8');
    expect(text).not.toMatch(/from ['"](node:|fs|path|os|@hono\/node-server)/);
    expect(text).not.toMatch(/\bprocess\.(env|argv|exit)/);
    expect(text).not.toMatch(/^import (?!type)[^;]*from ['"]@cloudflare\//m);
  });

  it.each(files.filter((file) => file !== 'src/worker.ts').map((file) => [file]))('%s has named exports only', (file) => {
    expect(readFileSync(file, 'utf8')).not.toMatch(/^export default/m);
  });
});
