/**
 * Progress of long work: a bar on a terminal (cli-progress), a plain line every few seconds
 * otherwise (logs, CI), nothing when quiet.
 */
import { SingleBar, Presets } from 'cli-progress';

export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

export function createProgress(label: string, options: { readonly quiet?: boolean; readonly stream?: NodeJS.WriteStream } = {}): Progress {
  const stream = options.stream ?? process.stderr;
  if (options.quiet) return { update: () => undefined, stop: () => undefined };
  if (stream.isTTY) {
    const bar = new SingleBar({ format: `${label} [{bar}] {value}/{total} files`, stream, hideCursor: true, clearOnComplete: true }, Presets.shades_classic);
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
  let last = 0;
  return {
    update(done, total) {
      const now = performance.now();
      if (now - last < 2000 && done < total) return;
      last = now;
      stream.write(`${label}: ${done}/${total} files\n`);
    },
    stop: () => undefined,
  };
}
