/** Hash keys for GROUP BY, PARTITION BY and equi-joins: one value stays itself, several become a string. */
import type { Eval, Row } from "./scope.js";

const NULL_MARK = "\u0002";
const SEP = "\u0001";

function part(v: unknown): string {
  if (v == null) return NULL_MARK;
  if (v instanceof Uint8Array) return Buffer.from(v).toString("hex");
  return String(v);
}

/** Builds a Map key from key expressions. A single key uses the value itself (Map compares by value). */
export function keyMaker(fns: Eval[]): (r: Row) => unknown {
  if (fns.length === 0) return () => "";
  if (fns.length === 1) {
    const f = fns[0] as Eval;
    return (r) => {
      const v = f(r);
      return v instanceof Uint8Array ? part(v) : v;
    };
  }
  return (r) => {
    let s = part((fns[0] as Eval)(r));
    for (let k = 1; k < fns.length; k++) s += SEP + part((fns[k] as Eval)(r));
    return s;
  };
}
