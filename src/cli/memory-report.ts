/**
 * A diagnostic: with `TRIBUTARY_DEBUG_MEMORY=<ms>` the server writes one JSON line to stderr every <ms>
 * milliseconds saying where its resident memory is — V8's heap (by space), memory outside the heap that
 * V8 knows of (Buffers), and what /proc says about the process's mappings (the malloc heap, anonymous
 * mappings, files). Used to find what holds memory under load (docs/performance.md, "Memory").
 */
import { readFileSync } from "node:fs";
import { getHeapSpaceStatistics } from "node:v8";

const MIB = 1024 * 1024;
/** Anonymous mappings listed one by one in a report, largest resident first. */
const LARGEST_ANON_MAPPINGS_LISTED = 6;

const mib = (bytes: number): number => Math.round((bytes / MIB) * 10) / 10;

interface Mapping {
  start: string;
  sizeKb: number;
  rssKb: number;
  path: string;
}

/** Mappings of /proc/self/smaps with their size and resident kB; empty where /proc is unavailable. */
function readMappings(): Mapping[] {
  let text: string;
  try {
    text = readFileSync("/proc/self/smaps", "latin1");
  } catch {
    return [];
  }
  const out: Mapping[] = [];
  let current: Mapping | undefined;
  for (const line of text.split("\n")) {
    const header = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (header !== null) {
      current = { start: header[1]!, sizeKb: 0, rssKb: 0, path: header[3] ?? "" };
      out.push(current);
      continue;
    }
    if (current === undefined) continue;
    const field = /^(Size|Rss):\s+(\d+) kB$/.exec(line);
    if (field === null) continue;
    if (field[1] === "Size") current.sizeKb = Number(field[2]);
    else current.rssKb = Number(field[2]);
  }
  return out;
}

/** One report as a plain object (MiB figures, one decimal). */
export function memoryReport(): Record<string, unknown> {
  const usage = process.memoryUsage();
  const spaces: Record<string, number> = {};
  for (const space of getHeapSpaceStatistics()) spaces[space.space_name.replace(/_space$/, "")] = mib(space.space_size);
  const mappings = readMappings();
  let brkHeapKb = 0;
  let anonKb = 0;
  let fileKb = 0;
  for (const m of mappings) {
    if (m.path === "[heap]") brkHeapKb += m.rssKb;
    else if (m.path === "" || m.path.startsWith("[")) anonKb += m.rssKb;
    else fileKb += m.rssKb;
  }
  const largestAnon = mappings
    .filter((m) => m.path === "")
    .sort((a, b) => b.rssKb - a.rssKb)
    .slice(0, LARGEST_ANON_MAPPINGS_LISTED)
    .map((m) => `${m.start}:${Math.round(m.rssKb / 1024)}/${Math.round(m.sizeKb / 1024)}MiB`);
  return {
    rss: mib(usage.rss),
    heapTotal: mib(usage.heapTotal),
    heapUsed: mib(usage.heapUsed),
    external: mib(usage.external),
    arrayBuffers: mib(usage.arrayBuffers),
    spaces,
    brkHeap: mib(brkHeapKb * 1024),
    anonOther: mib(anonKb * 1024),
    files: mib(fileKb * 1024),
    largestAnon,
  };
}

/** Starts the periodic report when `TRIBUTARY_DEBUG_MEMORY` holds a positive number of ms; returns its stop. */
export function startMemoryReportFromEnv(write: (line: string) => void): () => void {
  const intervalMs = Number(process.env.TRIBUTARY_DEBUG_MEMORY ?? "");
  if (!Number.isFinite(intervalMs) || intervalMs <= 0) return () => {};
  const timer = setInterval(() => write(`memory ${JSON.stringify(memoryReport())}\n`), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
