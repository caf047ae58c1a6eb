/**
 * Reading files of entries (the persisted index, and what indexing processes write) without
 * holding them in memory at once: the first lines (a megabyte at a time), or a range whole.
 *
 * @example
 * const { bytes, breaks } = readLeadingLines(descriptor, 1); // the first line and its break
 */
import { readSync } from 'node:fs';

const CHUNK_BYTES = 1 << 20;

/**
 * Positions of the line breaks in `bytes[start, end)`, counted from `base`, appended to `into`
 * until it holds `limit`.
 */
export function findLineBreaks(bytes: Uint8Array, start: number, end: number, into: number[], base = 0, limit = Number.POSITIVE_INFINITY): void {
  for (let at = bytes.indexOf(0x0a, start); at !== -1 && at < end && into.length < limit; at = bytes.indexOf(0x0a, at + 1)) into.push(base + at);
}

/**
 * The start of a file up to its `count`-th line break (or all of it when it has fewer), read a
 * megabyte at a time, with where its line breaks are.
 */
export function readLeadingLines(descriptor: number, count: number): { readonly bytes: Buffer; readonly breaks: readonly number[] } {
  const breaks: number[] = [];
  const chunks: Buffer[] = [];
  for (let position = 0; breaks.length < count; ) {
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    const read = readSync(descriptor, chunk, 0, chunk.length, position);
    if (read === 0) break;
    chunks.push(chunk.subarray(0, read));
    findLineBreaks(chunk, 0, read, breaks, position, count);
    position += read;
  }
  return { bytes: Buffer.concat(chunks), breaks };
}

/** Bytes `[start, end)` of a file, in one buffer; throws when the file ends before them. */
export function readRange(descriptor: number, start: number, end: number): Buffer {
  const bytes = Buffer.allocUnsafe(Math.max(0, end - start));
  if (bytes.length > 0 && readSync(descriptor, bytes, 0, bytes.length, start) !== bytes.length) throw new Error('it changed while being read');
  return bytes;
}
