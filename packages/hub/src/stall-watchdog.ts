/**
 * Aborts a request whose response delivers no byte for a while. undici's own body timeout is 300 s per
 * read and cannot be set through `fetch`, so a silent server would otherwise hold each attempt that long.
 */
export class StallWatchdog {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private fired = false;

  /** Starts the clock now (the wait for response headers counts too). */
  constructor(readonly timeoutMs: number) {
    this.timer = setTimeout(() => {
      this.fired = true;
      this.controller.abort();
    }, timeoutMs);
  }

  /** Pass to `fetch`: aborting it also errors the body stream. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** True once the watchdog aborted the request. */
  get stalled(): boolean {
    return this.fired;
  }

  /** Bytes arrived: restart the clock (`refresh` reuses the timer, cheap enough per chunk). */
  touch(): void {
    this.timer.refresh();
  }

  /** The request is over; never abort it. */
  stop(): void {
    clearTimeout(this.timer);
  }
}
