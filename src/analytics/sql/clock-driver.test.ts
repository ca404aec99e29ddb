import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../core/clock.js";
import { driveWithClock } from "./clock-driver.js";
import { compileApplication } from "./engine.js";
import type { Row } from "./scope.js";

describe("driveWithClock", () => {
  it("closes tumbling windows as a VirtualClock advances", () => {
    const clock = new VirtualClock(Date.UTC(2026, 0, 1));
    const t0 = clock.now();
    const app = compileApplication(
      `CREATE STREAM O (N BIGINT);
       CREATE PUMP P AS INSERT INTO O SELECT STREAM COUNT(*) FROM S GROUP BY FLOOR(S.ROWTIME TO MINUTE);`,
      [{ name: "S", columns: [{ name: "V", type: "INTEGER" }] }],
      [],
      { startTimeMs: t0 },
    );
    const out: Row[] = [];
    app.onOutput("O", (rows) => out.push(...rows));
    const stop = driveWithClock(app, clock, 1000);
    app.push("S", [[1], [2]], clock.now());
    clock.advance(59_000);
    expect(out).toEqual([]);
    clock.advance(1000);
    expect(out).toEqual([[2, t0 + 60_000]]);
    stop();
    app.push("S", [[3]], clock.now());
    clock.advance(120_000);
    expect(out).toHaveLength(1);
  });
});
