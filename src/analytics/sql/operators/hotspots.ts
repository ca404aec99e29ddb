/**
 * HOTSPOTS: dense regions among the last `windowSize` rows. Points fall into grid cells of side
 * `scanRadius`; connected occupied cells (sharing a face or corner) form a candidate, which is a hotspot when
 * it holds at least `minimumNumberOfPointsInAHotspot` points. Each row is followed by the hotspots of the
 * window that includes it, as JSON: {"hotspots":[{"density":d,"minValues":[...],"maxValues":[...]}]}, where
 * density is the hotspot's share of the window's points divided by its share of the window's bounding volume.
 */
import type { Row } from "../scope.js";
import { forEachRow, type Emit, type ErrorSink, type Operator } from "./operator.js";

export class HotspotsOp implements Operator {
  private readonly window: number[][] = [];
  private readonly cells = new Map<string, number[][]>();

  constructor(
    private readonly columns: number[],
    private readonly windowSize: number,
    private readonly radius: number,
    private readonly minPoints: number,
    private readonly emit: Emit,
    private readonly onError: ErrorSink,
  ) {}

  private cellOf(p: number[]): string {
    return p.map((v) => Math.floor(v / this.radius)).join(",");
  }

  push(_port: number, rows: Row[]): void {
    const out: Row[] = [];
    forEachRow(
      rows,
      (r) => {
        const p = this.columns.map((i) => (typeof r[i] === "number" ? (r[i] as number) : 0));
        this.window.push(p);
        const key = this.cellOf(p);
        const list = this.cells.get(key);
        if (list) list.push(p);
        else this.cells.set(key, [p]);
        if (this.window.length > this.windowSize) {
          const old = this.window.shift() as number[];
          const k = this.cellOf(old);
          const l = this.cells.get(k);
          if (l) {
            l.splice(l.indexOf(old), 1);
            if (l.length === 0) this.cells.delete(k);
          }
        }
        out.push([...r.slice(0, r.length - 1), JSON.stringify({ hotspots: this.hotspots() }), r[r.length - 1]]);
      },
      this.onError,
    );
    if (out.length > 0) this.emit(out);
  }

  private hotspots(): { density: number; minValues: number[]; maxValues: number[] }[] {
    const dims = this.columns.length;
    const seen = new Set<string>();
    const result: { density: number; minValues: number[]; maxValues: number[] }[] = [];
    const allMin = new Array<number>(dims).fill(Infinity);
    const allMax = new Array<number>(dims).fill(-Infinity);
    for (const p of this.window) {
      for (let d = 0; d < dims; d++) {
        allMin[d] = Math.min(allMin[d]!, p[d]!);
        allMax[d] = Math.max(allMax[d]!, p[d]!);
      }
    }
    const volume = (lo: number[], hi: number[]): number => lo.reduce((acc, v, d) => acc * Math.max(hi[d]! - v, this.radius), 1);
    const totalVolume = volume(allMin, allMax);
    for (const start of this.cells.keys()) {
      if (seen.has(start)) continue;
      const stack = [start];
      seen.add(start);
      const points: number[][] = [];
      while (stack.length > 0) {
        const key = stack.pop() as string;
        points.push(...(this.cells.get(key) ?? []));
        const coords = key.split(",").map(Number);
        for (const nb of neighbours(coords)) {
          const k = nb.join(",");
          if (!seen.has(k) && this.cells.has(k)) {
            seen.add(k);
            stack.push(k);
          }
        }
      }
      if (points.length < this.minPoints) continue;
      const lo = new Array<number>(dims).fill(Infinity);
      const hi = new Array<number>(dims).fill(-Infinity);
      for (const p of points) {
        for (let d = 0; d < dims; d++) {
          lo[d] = Math.min(lo[d]!, p[d]!);
          hi[d] = Math.max(hi[d]!, p[d]!);
        }
      }
      const density = points.length / this.window.length / (volume(lo, hi) / totalVolume);
      result.push({ density: Math.round(density * 1e6) / 1e6, minValues: lo, maxValues: hi });
    }
    return result.sort((a, b) => b.density - a.density);
  }

  nextDeadline(): number {
    return Infinity;
  }

  advance(): void {}
}

function* neighbours(c: number[]): Generator<number[]> {
  const n = c.length;
  const total = 3 ** n;
  for (let m = 0; m < total; m++) {
    let x = m;
    const out = new Array<number>(n);
    let zero = true;
    for (let d = 0; d < n; d++) {
      const off = (x % 3) - 1;
      x = Math.floor(x / 3);
      if (off !== 0) zero = false;
      out[d] = c[d]! + off;
    }
    if (!zero) yield out;
  }
}
