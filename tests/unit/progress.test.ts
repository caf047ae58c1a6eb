/**
 * Progress output when stderr is not a terminal (logs, CI): quiet for short work, a line every
 * two seconds for long work, and a closing line only after lines were written.
 */
import { describe, expect, it } from 'vitest';
import { createProgress } from '../../src/node/progress.ts';

function recorder() {
  const lines: string[] = [];
  let time = 0;
  const stream = { isTTY: false, write: (text: string) => lines.push(text) > 0 };
  return { lines, stream, clock: () => time, advance: (ms: number) => (time += ms) };
}

describe('progress without a terminal', () => {
  it('writes nothing for work finished within two seconds', () => {
    const { lines, stream, clock, advance } = recorder();
    const progress = createProgress('wirefeed build', { stream, clock });
    progress.update(0, 10);
    advance(1500);
    progress.update(10, 10);
    progress.stop();
    expect(lines).toEqual([]);
  });

  it('writes a line every two seconds of long work, then one when it is done', () => {
    const { lines, stream, clock, advance } = recorder();
    const progress = createProgress('wirefeed: reading articles', { stream, clock });
    for (let done = 0; done < 100_000; done += 500) {
      progress.update(done, 100_000);
      advance(100);
    }
    progress.update(100_000, 100_000);
    expect(lines[0]).toBe('wirefeed: reading articles: 10000/100000 files\n');
    // 20 s of work: a line at 2, 4, … 18 s, and the closing one.
    expect(lines).toHaveLength(9 + 1);
    expect(lines.at(-1)).toBe('wirefeed: reading articles: 100000/100000 files\n');
  });

  it('writes nothing at all when quiet', () => {
    const { lines, stream, clock, advance } = recorder();
    const progress = createProgress('wirefeed build', { stream, clock, quiet: true });
    progress.update(0, 10);
    advance(10_000);
    progress.update(5, 10);
    expect(lines).toEqual([]);
  });
});
