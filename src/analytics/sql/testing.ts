/**
 * A deterministic harness for the engine (used by the golden and reference tests, and available to the
 * runtime's tests): feed events with explicit ROWTIMEs and bounds, collect each stream's rows, and compare
 * streams as sequences of ROWTIME groups with a multiset per group (order among equal ROWTIMEs is
 * unspecified, as the reference notes).
 */
import { compileApplication, type CompileOptions, type InputSchemaDescriptor, type ReferenceTableDescriptor } from "./engine.js";
import type { Row } from "./scope.js";

export type FixtureEvent = { stream: string; rowtime: number; rows: unknown[][] } | { bound: number };

export interface Fixture {
  sql: string;
  inputs: InputSchemaDescriptor[];
  tables?: ReferenceTableDescriptor[];
  events: FixtureEvent[];
  options?: CompileOptions;
}

export function runFixture(f: Fixture, outputs: string[]): Record<string, Row[]> {
  const app = compileApplication(f.sql, f.inputs, f.tables ?? [], f.options ?? {});
  const got: Record<string, Row[]> = {};
  for (const name of outputs) {
    const rows: Row[] = [];
    got[name] = rows;
    app.onOutput(name, (batch) => rows.push(...batch.map((r) => [...r])));
  }
  for (const e of f.events) {
    if ("bound" in e) app.advanceTime(e.bound);
    else app.push(e.stream, e.rows.map((r) => [...r]), e.rowtime);
  }
  return got;
}

function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? `${x}n` : typeof x === "number" && !Number.isInteger(x) ? Number(x.toPrecision(12)) : x));
}

/** [ROWTIME, sorted canonical rows] pairs, in ROWTIME order; ROWTIME is each row's last slot. */
export function byRowtime(rows: Row[]): [number, string[]][] {
  const groups = new Map<number, string[]>();
  for (const r of rows) {
    const rt = r[r.length - 1] as number;
    const list = groups.get(rt) ?? [];
    list.push(canonical(r.slice(0, r.length - 1)));
    groups.set(rt, list);
  }
  return [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([rt, list]) => [rt, list.sort()]);
}

/** Whether a stream's rows are in non-decreasing ROWTIME order. */
export function isRowtimeOrdered(rows: Row[]): boolean {
  for (let i = 1; i < rows.length; i++) {
    if ((rows[i]![rows[i]!.length - 1] as number) < (rows[i - 1]![rows[i - 1]!.length - 1] as number)) return false;
  }
  return true;
}
