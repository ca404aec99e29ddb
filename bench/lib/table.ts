/** The results table: one row per scenario and metric, both systems side by side. */

export type Better = "higher" | "lower";

export interface Row {
  scenario: string;
  metric: string;
  tributary: number | undefined;
  kinesalite: number | undefined;
  better: Better;
  /** The issue's target for Tributary, in words, and whether this run met it (undefined: not judged). */
  target?: string;
  met?: boolean;
}

export function formatNumber(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return "n/a";
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString("en-US");
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** How many times better Tributary is: throughput divided, latency and memory inverted. */
export function advantage(row: Row): number | undefined {
  if (row.tributary === undefined || row.kinesalite === undefined || row.tributary === 0 || row.kinesalite === 0) return undefined;
  return row.better === "higher" ? row.tributary / row.kinesalite : row.kinesalite / row.tributary;
}

export function markdownTable(rows: readonly Row[]): string {
  const lines = [
    "| Scenario | Metric | Tributary | kinesalite | Tributary advantage | Target (Tributary) |",
    "| --- | --- | ---: | ---: | ---: | --- |",
  ];
  for (const row of rows) {
    const ratio = advantage(row);
    const target = row.target === undefined ? "" : `${row.target}${row.met === undefined ? "" : row.met ? " — met" : " — **not met**"}`;
    lines.push(
      `| ${row.scenario} | ${row.metric} | ${formatNumber(row.tributary)} | ${formatNumber(row.kinesalite)} | ${ratio === undefined ? "" : `${ratio.toFixed(1)}×`} | ${target} |`,
    );
  }
  return lines.join("\n");
}
