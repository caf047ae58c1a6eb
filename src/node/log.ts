/**
 * Log lines written in batches: every line handed over within one turn of the event loop goes
 * out in a single write. A request log written line by line with console.log cost more than half
 * of the server's throughput for small responses (17,100 -> 7,000 304s per second); batched,
 * it costs a few percent.
 */
import { writeSync } from 'node:fs';

export interface LineWriter {
  (line: string): void;
  /** Writes what is waiting, now. */
  flush(): void;
}

export function createLineWriter(fd = 1): LineWriter {
  let waiting = '';
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (waiting === '') return;
    const text = waiting;
    waiting = '';
    try {
      writeSync(fd, text);
    } catch {
      // A closed or full output must not take the server down; those lines are lost.
    }
  };
  const write = ((line: string) => {
    waiting += `${line}\n`;
    if (waiting.length > 65_536) flush();
    else if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  }) as LineWriter;
  write.flush = flush;
  process.once('exit', flush);
  return write;
}
