/**
 * Progress of long work: a bar on a terminal (cli-progress), a plain line every few seconds
 * otherwise (logs, CI) - none for work done within the first two seconds - and nothing when
 * quiet.
 */
import { SingleBar, Presets } from 'cli-progress';

export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

export interface ProgressOptions {
  readonly quiet?: boolean;
  /** Where progress goes (default: stderr, so that it never mixes with output). */
  readonly stream?: Pick<NodeJS.WriteStream, 'write' | 'isTTY'>;
  /** Milliseconds, for tests (default: performance.now). */
  readonly clock?: () => number;
}

export function createProgress(label: string, options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  const clock = options.clock ?? (() => performance.now());
  if (options.quiet) return { update: () => undefined, stop: () => undefined };
  if (stream.isTTY) {
    const bar = new SingleBar({ format: `${label} [{bar}] {value}/{total} files`, stream: stream as NodeJS.WriteStream, hideCursor: true, clearOnComplete: true }, Presets.shades_classic);
    let started = false;
    return {
      update(done, total) {
        if (!started) bar.start(total, done);
        started = true;
        bar.update(done);
      },
      stop: () => started && bar.stop(),
    };
  }
  let last = clock();
  let spoken = false;
  return {
    update(done, total) {
      const now = clock();
      if (done < total ? now - last < 2000 : !spoken) return;
      last = now;
      spoken = done < total;
      stream.write(`${label}: ${done}/${total} files\n`);
    },
    stop: () => undefined,
  };
}
