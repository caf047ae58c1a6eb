/**
 * Rendered article HTML kept between runs of the Node host (see `ContentKeeper`): written when
 * the server stops, read when it starts, so that the first responses after a restart (a deploy,
 * say) render none of the Markdown that the last run had rendered.
 *
 * One file next to the index: a header line (format, fingerprint, SHA-256 of the rest), then
 * one JSON line of [version, html] pairs, most recently used first, within a budget. A file
 * that is not a complete one of this format, for this configuration and this build, is ignored
 * as a whole: this HTML goes to readers as it is, so none of it is used unchecked.
 *
 * @example
 * const keeper = createFileContentKeeper({ file: keptContentPath(indexFile), fingerprint });
 * await keeper.keep([['a.md\0120\0…', '<p>Hi</p>\n']]);
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ContentKeeper } from '../catalog/content-store.ts';
import { removeAbandonedWrites, removeIfAllowed } from './index-cache.ts';

const FORMAT = 1;

/** Characters of HTML kept by default: the newest few hundred articles, the first pages of the busiest feeds. */
export const DEFAULT_KEPT_CHARACTERS = 4_000_000;

/** Where the HTML of an index's articles is kept: next to the index. */
export function keptContentPath(indexFile: string): string {
  return indexFile.replace(/(\.json)?$/, '.html.json');
}

export interface FileContentKeeperOptions {
  readonly file: string;
  /** What the HTML depends on besides the files: configuration and build (see `indexFingerprint`). */
  readonly fingerprint: string;
  /** At most this many characters of HTML are kept (the most recently used articles first). */
  readonly budget?: number;
  readonly log?: (message: string) => void;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url');

const isPair = (value: unknown): value is [string, string] =>
  Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string';

/** Reads a kept-content file back; throws, saying why, when it is not a complete one for `fingerprint`. */
function readKept(file: string, fingerprint: string): [string, string][] {
  const text = readFileSync(file, 'utf8');
  const headerEnd = text.indexOf('\n');
  if (headerEnd === -1) throw new Error('it is cut short');
  const header = JSON.parse(text.slice(0, headerEnd)) as { format?: unknown; fingerprint?: unknown; sha256?: unknown };
  if (header.format !== FORMAT) throw new Error(`format ${String(header.format)}, not ${FORMAT}`);
  if (header.fingerprint !== fingerprint) throw new Error('written for another build or configuration');
  const body = text.slice(headerEnd + 1);
  if (header.sha256 !== sha256(body)) throw new Error('its checksum does not match');
  const pairs = JSON.parse(body) as unknown;
  if (!Array.isArray(pairs) || !pairs.every(isPair)) throw new Error('it is malformed');
  return pairs;
}

export function createFileContentKeeper(options: FileContentKeeperOptions): ContentKeeper {
  const { file, fingerprint } = options;
  const budget = options.budget ?? DEFAULT_KEPT_CHARACTERS;
  const log = options.log ?? (() => undefined);
  return {
    async load() {
      removeAbandonedWrites(file);
      if (!existsSync(file)) return undefined;
      try {
        return readKept(file, fingerprint);
      } catch (error) {
        log(`kept content ${file} is not usable (${(error as Error).message}); rendering articles again`);
        return undefined;
      }
    },
    async keep(content) {
      const kept: (readonly [string, string])[] = [];
      let characters = 0;
      for (const pair of content) {
        characters += pair[1].length;
        if (characters > budget) break;
        kept.push(pair);
      }
      const body = JSON.stringify(kept);
      const temporary = `${file}.${process.pid}.tmp`;
      try {
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(temporary, `${JSON.stringify({ format: FORMAT, fingerprint, sha256: sha256(body) })}\n${body}`);
        renameSync(temporary, file);
      } catch (error) {
        removeIfAllowed(temporary);
        log(`could not keep rendered content: ${(error as Error).message}`);
      }
    },
  };
}
