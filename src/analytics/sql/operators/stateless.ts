/** Filter and project, fused: one pass, one output array per surviving row. */
import type { Eval, Row } from "../scope.js";
import { forEachRow, type Emit, type ErrorSink, type Operator } from "./operator.js";

export class FilterProject implements Operator {
  constructor(
    private readonly where: Eval | undefined,
    /** Builds the output row (values then ROWTIME); undefined means the input row passes unchanged. */
    private readonly project: ((r: Row) => Row) | undefined,
    private readonly emit: Emit,
    private readonly onError: ErrorSink,
  ) {}

  push(_port: number, rows: Row[]): void {
    const where = this.where;
    const project = this.project;
    if (!where && !project) {
      this.emit(rows);
      return;
    }
    const out: Row[] = [];
    forEachRow(
      rows,
      (r) => {
        if (where && where(r) !== true) return;
        out.push(project ? project(r) : r);
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

/** Compiles projection closures into one row builder: `[f0(r), ..., fk(r), rowtime(r)]`. */
export function rowBuilder(fns: Eval[], rowtime: Eval): (r: Row) => Row {
  const n = fns.length;
  switch (n) {
    case 1: {
      const [a] = fns as [Eval];
      return (r) => [a(r), rowtime(r)];
    }
    case 2: {
      const [a, b] = fns as [Eval, Eval];
      return (r) => [a(r), b(r), rowtime(r)];
    }
    case 3: {
      const [a, b, c] = fns as [Eval, Eval, Eval];
      return (r) => [a(r), b(r), c(r), rowtime(r)];
    }
    case 4: {
      const [a, b, c, d] = fns as [Eval, Eval, Eval, Eval];
      return (r) => [a(r), b(r), c(r), d(r), rowtime(r)];
    }
    default:
      return (r) => {
        const out = new Array<unknown>(n + 1);
        for (let k = 0; k < n; k++) out[k] = (fns[k] as Eval)(r);
        out[n] = rowtime(r);
        return out;
      };
  }
}
