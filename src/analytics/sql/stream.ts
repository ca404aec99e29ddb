/** In-application streams: named push channels of row batches with a fan-out list of subscribers. */
import type { ColumnInfo, Row } from "./scope.js";

export type StreamKind = "input" | "app" | "error" | "internal";

export class InAppStream {
  private readonly subscribers: ((rows: Row[]) => void)[] = [];
  /** ROWTIME of the last row inserted; rows must not go back in time. */
  lastRowtimeMs = -Infinity;

  constructor(
    readonly name: string,
    readonly columns: ColumnInfo[],
    readonly kind: StreamKind,
  ) {}

  subscribe(fn: (rows: Row[]) => void): () => void {
    this.subscribers.push(fn);
    return () => {
      const i = this.subscribers.indexOf(fn);
      if (i >= 0) this.subscribers.splice(i, 1);
    };
  }

  get hasSubscribers(): boolean {
    return this.subscribers.length > 0;
  }

  emit(rows: Row[]): void {
    if (rows.length === 0) return;
    const subs = this.subscribers;
    for (let k = 0; k < subs.length; k++) (subs[k] as (rows: Row[]) => void)(rows);
  }
}
