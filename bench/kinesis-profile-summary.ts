/**
 * Summarises V8 CPU profiles (.cpuprofile, as written by `node --cpu-prof`): the functions with the most
 * self time, with their source position mapped back to src/*.ts through dist's source maps, and the
 * share of busy (non-idle) time each takes.
 *
 *   node --import tsx bench/kinesis-profile-summary.ts <file.cpuprofile | dir> [--top 20]
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { SourceMap, type SourceMapPayload } from "node:module";
import { join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface HotSpot {
  name: string;
  location: string;
  selfMs: number;
  /** Share of busy time (all samples except "(idle)"), in percent. */
  busyPercent: number;
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  idleMs: number;
  busyMs: number;
  top: HotSpot[];
  /** Self time grouped by file (src/..., node:..., (garbage collector), ...). */
  byFile: { file: string; selfMs: number; busyPercent: number }[];
}

const sourceMaps = new Map<string, SourceMap | null>();

function sourceMapFor(url: string): SourceMap | null {
  let map = sourceMaps.get(url);
  if (map !== undefined) return map;
  map = null;
  if (url.startsWith("file://")) {
    const mapPath = `${fileURLToPath(url)}.map`;
    if (existsSync(mapPath)) map = new SourceMap(JSON.parse(readFileSync(mapPath, "utf8")) as SourceMapPayload);
  }
  sourceMaps.set(url, map);
  return map;
}

/** "src/x.ts:12" for compiled files with a map, a repo-relative or node: path otherwise (lines 1-based). */
function locate(frame: CallFrame, repoDir: string): { file: string; location: string } {
  if (frame.url === "") return { file: frame.functionName, location: "" };
  const map = sourceMapFor(frame.url);
  if (map !== null && frame.lineNumber >= 0) {
    const entry = map.findEntry(frame.lineNumber, Math.max(0, frame.columnNumber));
    if ("originalSource" in entry && entry.originalSource !== undefined) {
      const source = entry.originalSource.startsWith("file://")
        ? fileURLToPath(entry.originalSource)
        : resolve(fileURLToPath(new URL(".", frame.url)), entry.originalSource);
      const file = relative(repoDir, source);
      return { file, location: `${file}:${entry.originalLine + 1}` };
    }
  }
  const file = frame.url.startsWith("file://") ? relative(repoDir, fileURLToPath(frame.url)) : frame.url;
  return { file, location: `${file}:${frame.lineNumber + 1}` };
}

export function summarizeProfile(file: string, repoDir: string, topCount = 20): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const nodeById = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentById = new Map<number, ProfileNode>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentById.set(child, node);
  const selfUsById = new Map<number, number>();
  // timeDeltas[i] is the gap before sample i; the time is charged to the sample's node.
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    selfUsById.set(id, (selfUsById.get(id) ?? 0) + Math.max(0, profile.timeDeltas[i] ?? 0));
  }
  const byFunction = new Map<string, { name: string; location: string; selfUs: number }>();
  const byFile = new Map<string, number>();
  let totalUs = 0;
  let idleUs = 0;
  for (const [id, selfUs] of selfUsById) {
    const node = nodeById.get(id);
    if (node === undefined) continue;
    totalUs += selfUs;
    const frame = node.callFrame;
    if (frame.functionName === "(idle)") {
      idleUs += selfUs;
      continue;
    }
    let where = locate(frame, repoDir);
    let name = frame.functionName === "" ? "(anonymous)" : frame.functionName;
    if (frame.url === "" && !frame.functionName.startsWith("(")) {
      // A native function (a binding such as writev, or a builtin): name it by its nearest JS caller,
      // since "writev" alone could be a socket or a file.
      let caller = parentById.get(id);
      while (caller !== undefined && caller.callFrame.url === "") caller = parentById.get(caller.id);
      if (caller !== undefined) {
        const at = locate(caller.callFrame, repoDir);
        name = `${name} (native) ← ${caller.callFrame.functionName === "" ? "(anonymous)" : caller.callFrame.functionName}`;
        where = { file: `native ← ${at.file}`, location: at.location };
      }
    }
    const key = `${name}@${where.location}`;
    const entry = byFunction.get(key) ?? { name, location: where.location, selfUs: 0 };
    entry.selfUs += selfUs;
    byFunction.set(key, entry);
    byFile.set(where.file, (byFile.get(where.file) ?? 0) + selfUs);
  }
  const busyUs = Math.max(1, totalUs - idleUs);
  const percent = (us: number) => (100 * us) / busyUs;
  return {
    file,
    totalMs: totalUs / 1000,
    idleMs: idleUs / 1000,
    busyMs: busyUs / 1000,
    top: [...byFunction.values()]
      .sort((a, b) => b.selfUs - a.selfUs)
      .slice(0, topCount)
      .map((e) => ({ name: e.name, location: e.location, selfMs: e.selfUs / 1000, busyPercent: percent(e.selfUs) })),
    byFile: [...byFile.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 12)
      .map(([f, us]) => ({ file: f, selfMs: us / 1000, busyPercent: percent(us) })),
  };
}

export function formatSummary(title: string, s: ProfileSummary): string {
  const lines = [
    `### ${title}`,
    "",
    `Profile ${s.totalMs.toFixed(0)} ms, busy ${s.busyMs.toFixed(0)} ms (${((100 * s.busyMs) / Math.max(1, s.totalMs)).toFixed(0)}%), idle ${s.idleMs.toFixed(0)} ms. Percentages are of busy time.`,
    "",
    "| # | Function | Where | Self ms | % busy |",
    "| ---: | --- | --- | ---: | ---: |",
    ...s.top.map((h, i) => `| ${i + 1} | \`${h.name}\` | ${h.location} | ${h.selfMs.toFixed(0)} | ${h.busyPercent.toFixed(1)} |`),
    "",
    "| By file | Self ms | % busy |",
    "| --- | ---: | ---: |",
    ...s.byFile.map((f) => `| ${f.file} | ${f.selfMs.toFixed(0)} | ${f.busyPercent.toFixed(1)} |`),
    "",
  ];
  return lines.join("\n");
}

/** The .cpuprofile files of a directory, or the file itself. */
export function profileFiles(path: string): string[] {
  if (path.endsWith(".cpuprofile")) return [path];
  return readdirSync(path)
    .filter((f) => f.endsWith(".cpuprofile"))
    .sort()
    .map((f) => join(path, f));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: "string", default: "20" } } });
  const repoDir = fileURLToPath(new URL("..", import.meta.url));
  for (const target of positionals) {
    for (const file of profileFiles(target)) console.log(formatSummary(relative(process.cwd(), file), summarizeProfile(file, repoDir, Number(values.top))));
  }
}
