import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLeadingLines, readRange } from '../../src/node/file-lines.ts';

const MEGABYTE = 1 << 20;

/** Where the line breaks of `bytes` are, found one byte at a time. */
const breaksOf = (bytes: Buffer, start = 0, end = bytes.length) => [...bytes.subarray(start, end).entries()].filter(([, byte]) => byte === 0x0a).map(([at]) => start + at);

describe('files of lines, read a megabyte at a time', () => {
  let dir = '';
  let bytes = Buffer.alloc(0);
  let descriptor = -1;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wirefeed-lines-'));
    // About 2.5 MB of lines of many lengths, with breaks on both sides of each megabyte boundary.
    bytes = Buffer.alloc(2.5 * MEGABYTE, 'x');
    for (let at = 0, length = 1; at < bytes.length; at += length, length = (length * 7 + 13) % 4093) bytes[at] = 0x0a;
    for (const at of [MEGABYTE - 1, MEGABYTE, 2 * MEGABYTE - 1, 2 * MEGABYTE]) bytes[at] = 0x0a;
    writeFileSync(join(dir, 'lines'), bytes);
    descriptor = openSync(join(dir, 'lines'), 'r');
  });
  afterAll(() => {
    closeSync(descriptor);
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads a range whole', () => {
    expect(readRange(descriptor, 1000, 2 * MEGABYTE + 7).equals(bytes.subarray(1000, 2 * MEGABYTE + 7))).toBe(true);
    expect(readRange(descriptor, 5, 5).length).toBe(0);
  });

  it('reads the leading lines whole, past a megabyte, with their breaks', () => {
    const wanted = breaksOf(bytes).filter((at) => at < 1.5 * MEGABYTE);
    const { bytes: leading, breaks } = readLeadingLines(descriptor, wanted.length);
    expect(breaks).toEqual(wanted);
    const last = (wanted.at(-1) as number) + 1;
    expect(last).toBeGreaterThan(MEGABYTE);
    expect(leading.subarray(0, last).equals(bytes.subarray(0, last))).toBe(true);
  });

  it('says when the file ends before the range does', () => {
    expect(() => readRange(descriptor, bytes.length - 10, bytes.length + 10)).toThrow('it changed while being read');
  });
});
