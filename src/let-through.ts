/**
 * A pause in long work on the main thread (a change made of thousands of files, a listing
 * checked folder by folder) in which requests that came meanwhile are answered first.
 *
 * A timer alone does not always do it. Node's event loop runs due timers before it polls for
 * I/O, so when a `setTimeout(0)` is already due as the loop comes round to its timers (the
 * rest of the turn, other callbacks queued for it, took a millisecond), the work goes on before
 * a waiting request is even read: at 100k, two bulk changes of fourteen traced held a request
 * through both of their long steps at once, 0.29-0.31 s instead of about 0.15 s. A callback set
 * with `setImmediate` from the timer always comes after a poll, which reads and answers
 * whatever has arrived. Where there is no `setImmediate` (Workers), the timer is the pause.
 *
 * @example
 * for (const slice of slices) {
 *   work(slice);
 *   await letThrough();
 * }
 */
export function letThrough(): Promise<void> {
  return new Promise((next) => {
    setTimeout(() => (typeof setImmediate === 'function' ? setImmediate(next) : next()), 0);
  });
}
