/**
 * Leading + trailing throttle: the first call runs at once, later calls within `intervalMs` are
 * merged and the last one runs when the interval ends. `now` and timers are injectable for tests.
 */
export interface Throttled<A extends unknown[]> {
  (...args: A): void;
  flush(): void;
  cancel(): void;
}

export function throttle<A extends unknown[]>(
  fn: (...args: A) => void,
  intervalMs: number,
  clock: { now(): number; setTimeout(cb: () => void, ms: number): unknown; clearTimeout(h: unknown): void } = {
    now: () => performance.now(),
    setTimeout: (cb, ms) => setTimeout(cb, ms),
    clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  },
): Throttled<A> {
  let last = -Infinity;
  let pending: A | null = null;
  let timer: unknown = null;
  const run = (args: A): void => {
    last = clock.now();
    fn(...args);
  };
  const throttled = ((...args: A) => {
    const elapsed = clock.now() - last;
    if (elapsed >= intervalMs && timer === null) {
      run(args);
      return;
    }
    pending = args;
    if (timer === null) {
      timer = clock.setTimeout(() => {
        timer = null;
        if (pending) {
          const p = pending;
          pending = null;
          run(p);
        }
      }, Math.max(0, intervalMs - elapsed));
    }
  }) as Throttled<A>;
  throttled.flush = () => {
    if (timer !== null) clock.clearTimeout(timer);
    timer = null;
    if (pending) {
      const p = pending;
      pending = null;
      run(p);
    }
  };
  throttled.cancel = () => {
    if (timer !== null) clock.clearTimeout(timer);
    timer = null;
    pending = null;
  };
  return throttled;
}
