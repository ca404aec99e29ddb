/**
 * Time as the engine sees it. Everything time-dependent (iterator expiry, state transitions, retention,
 * throttling windows) reads a Clock so that tests can drive time deterministically.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Runs `fn` after `delayMs` of this clock's time; returns a function that cancels it. */
  setTimer(delayMs: number, fn: () => void): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(delayMs, fn) {
    const timer = setTimeout(fn, Math.max(0, delayMs));
    timer.unref?.();
    return () => clearTimeout(timer);
  },
};

interface PendingTimer {
  dueMs: number;
  order: number;
  fn: () => void;
}

/** A clock that moves only when told to; timers fire in due order as it advances. */
export class VirtualClock implements Clock {
  private nowMs: number;
  private timers: PendingTimer[] = [];
  private nextOrder = 0;

  constructor(startMs = Date.UTC(2026, 0, 1)) {
    this.nowMs = startMs;
  }

  now(): number {
    return this.nowMs;
  }

  setTimer(delayMs: number, fn: () => void): () => void {
    const timer: PendingTimer = { dueMs: this.nowMs + Math.max(0, delayMs), order: this.nextOrder++, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way, in order. */
  advance(ms: number): void {
    const targetMs = this.nowMs + ms;
    for (;;) {
      const due = this.timers
        .filter((t) => t.dueMs <= targetMs)
        .sort((a, b) => a.dueMs - b.dueMs || a.order - b.order)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.nowMs = Math.max(this.nowMs, due.dueMs);
      due.fn();
    }
    this.nowMs = targetMs;
  }

  set(ms: number): void {
    this.advance(Math.max(0, ms - this.nowMs));
  }
}
