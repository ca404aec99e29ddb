/**
 * RANDOM_CUT_FOREST and RANDOM_CUT_FOREST_WITH_EXPLANATION: a robust random cut forest (Guha et al.,
 * ICML 2016) written from the paper. Every tree keeps a time-decayed reservoir sample of the (shingled)
 * points; a point's anomaly score is the expected displacement-style score of inserting it, averaged over
 * trees and scaled by log2(sample size) so that ordinary points score about 1 and outliers several times
 * that. Rows are scored before they are inserted. A seeded PRNG makes results reproducible.
 */
import type { Row } from "../scope.js";
import { forEachRow, type Emit, type ErrorSink, type Operator } from "./operator.js";

export const RCF_DEFAULTS = { numberOfTrees: 100, subSampleSize: 256, timeDecay: 100_000, shingleSize: 1 } as const;

export interface RcfParams {
  numberOfTrees: number;
  subSampleSize: number;
  timeDecay: number;
  shingleSize: number;
  withDirectionality: boolean;
}

/** mulberry32: small, fast, seedable. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Leaf {
  leaf: true;
  point: number[];
  count: number;
  parent: Internal | null;
}

interface Internal {
  leaf: false;
  dim: number;
  cut: number;
  left: TreeNode;
  right: TreeNode;
  min: number[];
  max: number[];
  mass: number;
  parent: Internal | null;
}

type TreeNode = Leaf | Internal;

const boxMin = (n: TreeNode): number[] => (n.leaf ? n.point : n.min);
const boxMax = (n: TreeNode): number[] => (n.leaf ? n.point : n.max);
const massOf = (n: TreeNode): number => (n.leaf ? n.count : n.mass);

function samePoint(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export class RandomCutTree {
  root: TreeNode | null = null;

  constructor(private readonly random: () => number) {}

  insert(p: number[]): void {
    if (!this.root) {
      this.root = { leaf: true, point: p, count: 1, parent: null };
      return;
    }
    let node: TreeNode = this.root;
    for (;;) {
      if (node.leaf && samePoint(node.point, p)) {
        node.count++;
        this.bumpMass(node.parent, p);
        return;
      }
      const lo = boxMin(node);
      const hi = boxMax(node);
      let total = 0;
      for (let d = 0; d < p.length; d++) total += Math.max(hi[d]!, p[d]!) - Math.min(lo[d]!, p[d]!);
      let r = this.random() * total;
      let dim = 0;
      let cut = 0;
      for (let d = 0; d < p.length; d++) {
        const a = Math.min(lo[d]!, p[d]!);
        const span = Math.max(hi[d]!, p[d]!) - a;
        if (r < span || d === p.length - 1) {
          dim = d;
          cut = a + Math.min(r, span);
          break;
        }
        r -= span;
      }
      const separates = (cut < lo[dim]! && p[dim]! <= cut) || (cut >= hi[dim]! && p[dim]! > cut);
      if (separates || node.leaf) {
        // The cut falls outside the node's box: a new parent splits the new point from the whole subtree.
        if (!separates) {
          // A leaf with a different point but a cut that does not separate: cut between them instead.
          cut = (lo[dim]! + p[dim]!) / 2;
          if (lo[dim]! === p[dim]!) {
            dim = p.findIndex((v, d) => v !== lo[d]);
            cut = (lo[dim]! + p[dim]!) / 2;
          }
        }
        const leaf: Leaf = { leaf: true, point: p, count: 1, parent: null };
        const parent = node.parent;
        const goesLeft = p[dim]! <= cut;
        const fresh: Internal = {
          leaf: false,
          dim,
          cut,
          left: goesLeft ? leaf : node,
          right: goesLeft ? node : leaf,
          min: lo.map((v, d) => Math.min(v, p[d]!)),
          max: hi.map((v, d) => Math.max(v, p[d]!)),
          mass: massOf(node) + 1,
          parent,
        };
        leaf.parent = fresh;
        node.parent = fresh;
        if (!parent) this.root = fresh;
        else if (parent.left === node) parent.left = fresh;
        else parent.right = fresh;
        this.bumpMass(parent, p);
        return;
      }
      node = p[(node as Internal).dim]! <= (node as Internal).cut ? (node as Internal).left : (node as Internal).right;
    }
  }

  private bumpMass(from: Internal | null, p: number[]): void {
    for (let n = from; n; n = n.parent) {
      n.mass++;
      for (let d = 0; d < p.length; d++) {
        if (p[d]! < n.min[d]!) n.min[d] = p[d]!;
        if (p[d]! > n.max[d]!) n.max[d] = p[d]!;
      }
    }
  }

  delete(p: number[]): void {
    let node = this.root;
    while (node && !node.leaf) node = p[node.dim]! <= node.cut ? node.left : node.right;
    if (!node || !samePoint(node.point, p)) return;
    if (node.count > 1) {
      node.count--;
      for (let n = node.parent; n; n = n.parent) n.mass--;
      return;
    }
    const parent = node.parent;
    if (!parent) {
      this.root = null;
      return;
    }
    const sibling = parent.left === node ? parent.right : parent.left;
    const grand = parent.parent;
    sibling.parent = grand;
    if (!grand) this.root = sibling;
    else if (grand.left === parent) grand.left = sibling;
    else grand.right = sibling;
    for (let n = grand; n; n = n.parent) {
      n.mass--;
      const a = boxMin(n.left);
      const b = boxMin(n.right);
      const c = boxMax(n.left);
      const e = boxMax(n.right);
      // Boxes are owned by their node (never shared with a leaf's point), so they can be updated in place.
      for (let d = 0; d < a.length; d++) {
        n.min[d] = Math.min(a[d]!, b[d]!);
        n.max[d] = Math.max(c[d]!, e[d]!);
      }
    }
  }

  /**
   * Score of `p` against this tree, plus per-dimension attributions (above/below) that sum to the score.
   * Walks down to where `p` would land, then combines, from the bottom up, the chance that a random cut
   * separates `p` at each node (score 1/(depth+1)) with the score from below.
   */
  score(p: number[], attribution?: { high: number[]; low: number[] }): number {
    if (!this.root) return 0;
    const path: TreeNode[] = [];
    let node: TreeNode = this.root;
    for (;;) {
      path.push(node);
      if (node.leaf) break;
      node = p[node.dim]! <= node.cut ? node.left : node.right;
    }
    const leaf = node as Leaf;
    const dims = p.length;
    const seen = samePoint(leaf.point, p);
    let score = seen ? 1 / (path.length - 1 + Math.log2(leaf.count + 1)) : 1 / path.length;
    if (!attribution) {
      // The common case, without per-dimension bookkeeping or allocation.
      for (let k = path.length - 2; k >= 0; k--) {
        const n = path[k] as Internal;
        let gap = 0;
        let range = 0;
        for (let d = 0; d < dims; d++) {
          const v = p[d]!;
          const lo = n.min[d]!;
          const hi = n.max[d]!;
          if (v > hi) {
            gap += v - hi;
            range += v - lo;
          } else if (v < lo) {
            gap += lo - v;
            range += hi - v;
          } else range += hi - lo;
        }
        const prob = range > 0 ? gap / range : 0;
        score = prob / (k + 1) + (1 - prob) * score;
      }
      return score;
    }
    const high = new Array<number>(dims).fill(0);
    const low = new Array<number>(dims).fill(0);
    if (!seen) {
      // At the leaf the point is separated for sure; attribute by the per-dimension gap.
      let gap = 0;
      for (let d = 0; d < dims; d++) gap += Math.abs(p[d]! - leaf.point[d]!);
      for (let d = 0; d < dims; d++) {
        const share = gap > 0 ? (score * Math.abs(p[d]! - leaf.point[d]!)) / gap : score / dims;
        if (p[d]! > leaf.point[d]!) high[d]! += share;
        else low[d]! += share;
      }
    } else high.fill(score / dims);
    for (let k = path.length - 2; k >= 0; k--) {
      const n = path[k] as Internal;
      let gap = 0;
      let range = 0;
      for (let d = 0; d < dims; d++) {
        const v = p[d]!;
        range += Math.max(n.max[d]!, v) - Math.min(n.min[d]!, v);
        gap += Math.max(0, v - n.max[d]!) + Math.max(0, n.min[d]! - v);
      }
      const prob = range > 0 ? gap / range : 0;
      const unseen = 1 / (k + 1);
      for (let d = 0; d < dims; d++) {
        const v = p[d]!;
        high[d] = (range > 0 ? (Math.max(0, v - n.max[d]!) / range) * unseen : 0) + (1 - prob) * high[d]!;
        low[d] = (range > 0 ? (Math.max(0, n.min[d]! - v) / range) * unseen : 0) + (1 - prob) * low[d]!;
      }
      score = prob * unseen + (1 - prob) * score;
    }
    for (let d = 0; d < dims; d++) {
      attribution.high[d]! += high[d]!;
      attribution.low[d]! += low[d]!;
    }
    return score;
  }
}

/** A tree's time-decayed reservoir: keeps the points of highest priority λ·t − ln(−ln u). */
class Reservoir {
  private heap: { p: number[]; priority: number }[] = [];
  constructor(private readonly capacity: number) {}

  /** Returns [accepted, evicted point or undefined]. */
  offer(p: number[], priority: number): [boolean, number[] | undefined] {
    const h = this.heap;
    if (h.length < this.capacity) {
      h.push({ p, priority });
      this.up(h.length - 1);
      return [true, undefined];
    }
    if (priority <= h[0]!.priority) return [false, undefined];
    const evicted = h[0]!.p;
    h[0] = { p, priority };
    this.down(0);
    return [true, evicted];
  }

  private up(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (h[parent]!.priority <= h[i]!.priority) return;
      [h[parent], h[i]] = [h[i]!, h[parent]!];
      i = parent;
    }
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && h[l]!.priority < h[m]!.priority) m = l;
      if (r < h.length && h[r]!.priority < h[m]!.priority) m = r;
      if (m === i) return;
      [h[m], h[i]] = [h[i]!, h[m]!];
      i = m;
    }
  }
}

export class RandomCutForest {
  private readonly trees: RandomCutTree[];
  private readonly reservoirs: Reservoir[];
  private readonly random: () => number;
  private seen = 0;

  constructor(
    private readonly params: Pick<RcfParams, "numberOfTrees" | "subSampleSize" | "timeDecay">,
    seed: number,
  ) {
    this.random = prng(seed);
    this.trees = Array.from({ length: params.numberOfTrees }, (_, i) => new RandomCutTree(prng(seed * 7919 + i + 1)));
    this.reservoirs = Array.from({ length: params.numberOfTrees }, () => new Reservoir(params.subSampleSize));
  }

  /** Scores and then inserts `p`. Until the sample has filled once, the score is 0 (warm-up). */
  process(p: number[], attribution?: { high: number[]; low: number[] }): number {
    let score = 0;
    if (this.seen >= this.params.subSampleSize) {
      const scale = Math.log2(this.params.subSampleSize) / this.trees.length;
      for (const t of this.trees) score += t.score(p, attribution);
      score *= scale;
      if (attribution) {
        for (let d = 0; d < p.length; d++) {
          attribution.high[d]! *= scale;
          attribution.low[d]! *= scale;
        }
      }
    }
    const lambda = 1 / this.params.timeDecay;
    for (let k = 0; k < this.trees.length; k++) {
      const u = Math.max(this.random(), Number.MIN_VALUE);
      const priority = lambda * this.seen - Math.log(-Math.log(u));
      const [accepted, evicted] = (this.reservoirs[k] as Reservoir).offer(p, priority);
      if (!accepted) continue;
      const tree = this.trees[k] as RandomCutTree;
      if (evicted) tree.delete(evicted);
      tree.insert(p);
    }
    this.seen++;
    return score;
  }
}

export class RandomCutForestOp implements Operator {
  private readonly forest: RandomCutForest;
  private readonly history: number[][] = [];

  constructor(
    private readonly columns: number[],
    private readonly names: string[],
    private readonly params: RcfParams,
    private readonly explain: boolean,
    seed: number,
    private readonly emit: Emit,
    private readonly onError: ErrorSink,
  ) {
    this.forest = new RandomCutForest(params, seed);
  }

  push(_port: number, rows: Row[]): void {
    const out: Row[] = [];
    forEachRow(
      rows,
      (r) => {
        const point = this.columns.map((i) => {
          const v = r[i];
          return typeof v === "number" ? v : 0;
        });
        this.history.push(point);
        if (this.history.length > this.params.shingleSize) this.history.shift();
        const rt = r[r.length - 1];
        const values = r.slice(0, r.length - 1);
        if (this.history.length < this.params.shingleSize) {
          out.push(this.explain ? [...values, 0, "{}", rt] : [...values, 0, rt]);
          return;
        }
        const shingle = this.history.flat();
        const attribution = this.explain ? { high: new Array<number>(shingle.length).fill(0), low: new Array<number>(shingle.length).fill(0) } : undefined;
        const score = this.forest.process(shingle, attribution);
        if (!this.explain) {
          out.push([...values, score, rt]);
          return;
        }
        // Attributions of the newest shingle entry belong to this row's columns.
        const base = shingle.length - this.columns.length;
        // As AWS prints it: {"COL":{"DIRECTION":"HIGH","STRENGTH":"0.8567","ATTRIBUTION_SCORE":"1.7447"}}, where the
        // attribution scores add up to the anomaly score. STRENGTH here is the net one-sided attribution |high − low|.
        const explanation: Record<string, Record<string, string>> = {};
        this.names.forEach((name, d) => {
          const hi = attribution!.high[base + d]!;
          const lo = attribution!.low[base + d]!;
          const entry: Record<string, string> = {};
          if (this.params.withDirectionality) {
            entry.DIRECTION = hi >= lo ? "HIGH" : "LOW";
            entry.STRENGTH = Math.abs(hi - lo).toFixed(4);
          }
          entry.ATTRIBUTION_SCORE = (hi + lo).toFixed(4);
          explanation[name] = entry;
        });
        out.push([...values, score, JSON.stringify(explanation), rt]);
      },
      this.onError,
    );
    if (out.length > 0) this.emit(out);
  }

  nextDeadline(): number {
    return Infinity;
  }

  advance(): void {}
}
