/**
 * Brute-force reference checks: random rows through each window operator, compared with a simple
 * recomputation from the definition of the window.
 */
import { describe, expect, it } from "vitest";
import { prng } from "../src/analytics/sql/operators/random-cut-forest.js";
import { byRowtime, isRowtimeOrdered, runFixture, type FixtureEvent } from "../src/analytics/sql/testing.js";

interface In {
  rt: number;
  k: string;
  v: number | null;
}

const T0 = Date.UTC(2026, 0, 1);
const SEEDS = [1, 2, 3, 4, 5];

function randomRows(seed: number, n: number, keys = ["a", "b", "c"]): In[] {
  const rnd = prng(seed);
  const rows: In[] = [];
  let rt = T0;
  for (let i = 0; i < n; i++) {
    // Gaps of 0-2.5 s, with ties, so windows both fill and expire.
    rt += Math.floor(rnd() * 6) * 500;
    const v = rnd() < 0.1 ? null : Math.floor(rnd() * 100) - 20;
    rows.push({ rt, k: keys[Math.floor(rnd() * keys.length)] as string, v });
  }
  return rows;
}

const inputs = [{ name: "S", columns: [{ name: "K", type: "VARCHAR(4)" }, { name: "V", type: "INTEGER" }] }];
const eventsOf = (rows: In[], end: number): FixtureEvent[] => [
  ...rows.map((r) => ({ stream: "S", rowtime: r.rt, rows: [[r.k, r.v]] })),
  { bound: end },
];

function stats(vs: (number | null)[]): { count: number; sum: number | null; min: number | null; max: number | null; avg: number | null } {
  const xs = vs.filter((v): v is number => v !== null);
  if (xs.length === 0) return { count: vs.length, sum: null, min: null, max: null, avg: null };
  const sum = xs.reduce((a, b) => a + b, 0);
  return { count: vs.length, sum, min: Math.min(...xs), max: Math.max(...xs), avg: Math.trunc(sum / xs.length) };
}

describe("tumbling GROUP BY matches recomputation", () => {
  for (const seed of SEEDS) {
    it(`seed ${seed}`, () => {
      const rows = randomRows(seed, 400);
      const sql = `
        CREATE STREAM O (K VARCHAR(4), C BIGINT, S BIGINT, MN INTEGER, MX INTEGER, AV INTEGER, W TIMESTAMP);
        CREATE PUMP P AS INSERT INTO O
        SELECT STREAM K, COUNT(*), SUM(V), MIN(V), MAX(V), AVG(V), STEP(S.ROWTIME BY INTERVAL '10' SECOND)
        FROM S GROUP BY K, STEP(S.ROWTIME BY INTERVAL '10' SECOND)`;
      const end = rows[rows.length - 1]!.rt + 60_000;
      const out = runFixture({ sql, inputs, events: eventsOf(rows, end) }, ["O"]).O!;
      const groups = new Map<string, { k: string; w: number; vs: (number | null)[] }>();
      for (const r of rows) {
        const w = Math.floor(r.rt / 10_000) * 10_000;
        const key = `${w}|${r.k}`;
        const g = groups.get(key) ?? { k: r.k, w, vs: [] };
        g.vs.push(r.v);
        groups.set(key, g);
      }
      const expected = [...groups.values()].map((g) => {
        const s = stats(g.vs);
        return [g.k, s.count, s.sum, s.min, s.max, s.avg, g.w, g.w + 10_000];
      });
      expect(isRowtimeOrdered(out)).toBe(true);
      expect(byRowtime(out)).toEqual(byRowtime(expected));
    });
  }
});

describe("sliding windows match recomputation", () => {
  for (const seed of SEEDS) {
    it(`RANGE INTERVAL '5' SECOND PRECEDING and ROWS 3 PRECEDING, seed ${seed}`, () => {
      const rows = randomRows(seed, 300);
      const sql = `
        CREATE STREAM O (K VARCHAR(4), C BIGINT, S BIGINT, MN INTEGER, MX INTEGER, AV INTEGER, RC BIGINT, RS BIGINT, RMN INTEGER, L INTEGER, FV INTEGER, LV INTEGER);
        CREATE PUMP P AS INSERT INTO O
        SELECT STREAM K, COUNT(*) OVER w, SUM(V) OVER w, MIN(V) OVER w, MAX(V) OVER w, AVG(V) OVER w,
               COUNT(*) OVER r, SUM(V) OVER r, MIN(V) OVER r, LAG(V, 1) OVER r, FIRST_VALUE(V) OVER w,
               LAST_VALUE(V) IGNORE NULLS OVER w
        FROM S
        WINDOW w AS (PARTITION BY K RANGE INTERVAL '5' SECOND PRECEDING),
               r AS (PARTITION BY K ROWS 3 PRECEDING)`;
      const out = runFixture({ sql, inputs, events: eventsOf(rows, rows[rows.length - 1]!.rt) }, ["O"]).O!;
      const expected = rows.map((r, i) => {
        const before = rows.slice(0, i + 1).filter((x) => x.k === r.k);
        const inRange = before.filter((x) => x.rt >= r.rt - 5000);
        const inRows = before.slice(-4);
        const a = stats(inRange.map((x) => x.v));
        const b = stats(inRows.map((x) => x.v));
        const lag = before.length >= 2 ? before[before.length - 2]!.v : null;
        const nonNull = inRange.filter((x) => x.v !== null);
        const lastNonNull = nonNull.length > 0 ? nonNull[nonNull.length - 1]!.v : null;
        return [r.k, a.count, a.sum, a.min, a.max, a.avg, b.count, b.sum, b.min, lag, inRange[0]!.v, lastNonNull, r.rt];
      });
      expect(out).toEqual(expected);
    });
  }
});

describe("stagger windows match recomputation", () => {
  for (const seed of SEEDS) {
    it(`seed ${seed}`, () => {
      const rows = randomRows(seed, 300, ["a", "b", "c", "d", "e"]);
      const sql = `
        CREATE STREAM O (K VARCHAR(4), C BIGINT, S BIGINT);
        CREATE PUMP P AS INSERT INTO O
        SELECT STREAM K, COUNT(*), SUM(V) FROM S
        WINDOWED BY STAGGER (PARTITION BY K RANGE INTERVAL '7' SECOND)`;
      const end = rows[rows.length - 1]!.rt + 60_000;
      const out = runFixture({ sql, inputs, events: eventsOf(rows, end) }, ["O"]).O!;
      // Per key: a window opens at a row with no open window and takes every row before open + range.
      const expected: unknown[][] = [];
      for (const k of ["a", "b", "c", "d", "e"]) {
        const mine = rows.filter((r) => r.k === k);
        let i = 0;
        while (i < mine.length) {
          const open = mine[i]!.rt;
          const members = mine.filter((r, j) => j >= i && r.rt < open + 7000);
          i += members.length;
          const s = stats(members.map((m) => m.v));
          expected.push([k, s.count, s.sum, open + 7000]);
        }
      }
      expect(isRowtimeOrdered(out)).toBe(true);
      expect(byRowtime(out)).toEqual(byRowtime(expected));
    });
  }
});

describe("windowed stream-to-stream joins match recomputation", () => {
  for (const seed of SEEDS) {
    for (const kind of ["JOIN", "LEFT OUTER JOIN", "RIGHT JOIN", "FULL OUTER JOIN"]) {
      it(`${kind}, seed ${seed}`, () => {
        const rnd = prng(seed * 31);
        const arrivals: { side: "A" | "B"; rt: number; k: string; v: number }[] = [];
        let rt = T0;
        for (let i = 0; i < 200; i++) {
          rt += Math.floor(rnd() * 5) * 500;
          arrivals.push({ side: rnd() < 0.5 ? "A" : "B", rt, k: ["x", "y", "z"][Math.floor(rnd() * 3)] as string, v: i });
        }
        const sql = `
          CREATE STREAM O (AK VARCHAR(4), AV INTEGER, BK VARCHAR(4), BV INTEGER);
          CREATE PUMP P AS INSERT INTO O
          SELECT STREAM a.K, a.V, b.K, b.V
          FROM "A" OVER (RANGE INTERVAL '5' SECOND PRECEDING) AS a
          ${kind} "B" OVER (RANGE INTERVAL '3' SECOND PRECEDING) AS b ON a.K = b.K`;
        const end = rt + 60_000;
        const events: FixtureEvent[] = [
          ...arrivals.map((a) => ({ stream: a.side, rowtime: a.rt, rows: [[a.k, a.v]] })),
          { bound: end },
        ];
        const joinInputs = ["A", "B"].map((name) => ({ name, columns: [{ name: "K", type: "VARCHAR(4)" }, { name: "V", type: "INTEGER" }] }));
        const out = runFixture({ sql, inputs: joinInputs, events }, ["O"]).O!;
        const expected: unknown[][] = [];
        const matched = new Set<number>();
        arrivals.forEach((later, j) => {
          arrivals.slice(0, j).forEach((earlier) => {
            if (earlier.side === later.side || earlier.k !== later.k) return;
            // The earlier row must still be inside its own side's window when the later one arrives.
            const range = earlier.side === "A" ? 5000 : 3000;
            if (earlier.rt < later.rt - range) return;
            const a = earlier.side === "A" ? earlier : later;
            const b = earlier.side === "A" ? later : earlier;
            matched.add(a.v).add(b.v);
            expected.push([a.k, a.v, b.k, b.v, later.rt]);
          });
        });
        const leftOuter = kind.startsWith("LEFT") || kind.startsWith("FULL");
        const rightOuter = kind.startsWith("RIGHT") || kind.startsWith("FULL");
        for (const x of arrivals) {
          if (matched.has(x.v)) continue;
          if (x.side === "A" && leftOuter) expected.push([x.k, x.v, null, null, x.rt + 5000]);
          if (x.side === "B" && rightOuter) expected.push([null, null, x.k, x.v, x.rt + 3000]);
        }
        expect(isRowtimeOrdered(out)).toBe(true);
        expect(byRowtime(out)).toEqual(byRowtime(expected));
      });
    }
  }
});
