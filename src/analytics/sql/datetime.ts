/**
 * Date and time values as epoch milliseconds (UTC; the dialect has no time zones). Parsing accepts the
 * forms the documentation shows (`1992-02-14`, `1992-02-14 18:35:44.0`, ISO `T` separators with any number of
 * fraction digits); formatting writes SQL's canonical text.
 */
import type { TimeUnit } from "./types.js";

export const DAY_MS = 86_400_000;

const TIMESTAMP_RE = /^\s*(-?\d{1,4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d+))?)?)?\s*Z?\s*$/;
const TIME_RE = /^\s*(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d+))?)?\s*$/;

function fractionMs(frac: string | undefined): number {
  if (!frac) return 0;
  return Math.floor(Number((frac + "000").slice(0, 3)));
}

export function parseTimestamp(text: string): number | null {
  const m = TIMESTAMP_RE.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, f] = m;
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h ?? 0);
  const minute = Number(mi ?? 0);
  const second = Number(s ?? 0);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return null;
  const ms = Date.UTC(Number(y), month - 1, day, hour, minute, second, fractionMs(f));
  const check = new Date(ms);
  if (check.getUTCDate() !== day) return null;
  return ms;
}

export function parseDate(text: string): number | null {
  const ms = parseTimestamp(text);
  return ms === null ? null : floorDiv(ms, DAY_MS) * DAY_MS;
}

export function parseTime(text: string): number | null {
  const m = TIME_RE.exec(text);
  if (!m) {
    const ts = parseTimestamp(text);
    return ts === null ? null : mod(ts, DAY_MS);
  }
  const [, h, mi, s, f] = m;
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s ?? 0);
  if (hour > 23 || minute > 59 || second > 59) return null;
  return ((hour * 60 + minute) * 60 + second) * 1000 + fractionMs(f);
}

export function floorDiv(a: number, b: number): number {
  return Math.floor(a / b);
}
export function mod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, "0");

export function formatTimestamp(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(
    d.getUTCMinutes(),
  )}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
}
export function formatDate(ms: number): string {
  return formatTimestamp(ms).slice(0, 10);
}
export function formatTime(ms: number): string {
  return formatTimestamp(mod(ms, DAY_MS)).slice(11);
}

/** FLOOR(ts TO unit): whole units only; months and years follow the calendar. */
export function floorTimestamp(ms: number, unit: TimeUnit): number {
  switch (unit) {
    case "YEAR": {
      const d = new Date(ms);
      return Date.UTC(d.getUTCFullYear(), 0, 1);
    }
    case "MONTH": {
      const d = new Date(ms);
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    }
    case "DAY":
      return floorDiv(ms, DAY_MS) * DAY_MS;
    case "HOUR":
      return floorDiv(ms, 3_600_000) * 3_600_000;
    case "MINUTE":
      return floorDiv(ms, 60_000) * 60_000;
    case "SECOND":
      return floorDiv(ms, 1000) * 1000;
    case "MILLISECOND":
      return ms;
  }
}

/** The first instant after the FLOOR(ts TO unit) bucket containing `ms`. */
export function nextUnitStart(ms: number, unit: TimeUnit): number {
  const f = floorTimestamp(ms, unit);
  if (unit === "YEAR") return addMonths(f, 12);
  if (unit === "MONTH") return addMonths(f, 1);
  return f + (unit === "DAY" ? DAY_MS : unit === "HOUR" ? 3_600_000 : unit === "MINUTE" ? 60_000 : unit === "SECOND" ? 1000 : 1);
}

export function ceilTimestamp(ms: number, unit: TimeUnit): number {
  const f = floorTimestamp(ms, unit);
  return f === ms ? ms : nextUnitStart(ms, unit);
}

export function addMonths(ms: number, months: number): number {
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const targetYear = y + Math.floor(m / 12);
  const targetMonth = mod(m, 12);
  const lastDay = new Date(Date.UTC(targetYear, targetMonth + 1, 0)).getUTCDate();
  const day = Math.min(d.getUTCDate(), lastDay);
  return Date.UTC(targetYear, targetMonth, day) + mod(ms, DAY_MS);
}

export function extractField(ms: number, unit: TimeUnit): number {
  const d = new Date(ms);
  switch (unit) {
    case "YEAR":
      return d.getUTCFullYear();
    case "MONTH":
      return d.getUTCMonth() + 1;
    case "DAY":
      return d.getUTCDate();
    case "HOUR":
      return d.getUTCHours();
    case "MINUTE":
      return d.getUTCMinutes();
    case "SECOND":
      return d.getUTCSeconds();
    case "MILLISECOND":
      return d.getUTCMilliseconds();
  }
}

// ---- Java SimpleDateFormat subset, for CHAR_TO_TIMESTAMP / TIMESTAMP_TO_CHAR ----

type FormatPart = { kind: "literal"; text: string } | { kind: "field"; letter: string; width: number };

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

const formatCache = new Map<string, FormatPart[]>();
const FORMAT_CACHE_ENTRIES_MAX = 256;

export function parseFormatPattern(pattern: string): FormatPart[] {
  const cached = formatCache.get(pattern);
  if (cached) return cached;
  const parts: FormatPart[] = [];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i] as string;
    if (c === "'") {
      const end = pattern.indexOf("'", i + 1);
      if (end === i + 1) {
        parts.push({ kind: "literal", text: "'" });
        i += 2;
        continue;
      }
      const stop = end < 0 ? pattern.length : end;
      parts.push({ kind: "literal", text: pattern.slice(i + 1, stop) });
      i = stop + 1;
      continue;
    }
    if (/[a-zA-Z]/.test(c)) {
      let j = i;
      while (pattern[j] === c) j++;
      parts.push({ kind: "field", letter: c, width: j - i });
      i = j;
      continue;
    }
    parts.push({ kind: "literal", text: c });
    i++;
  }
  if (formatCache.size < FORMAT_CACHE_ENTRIES_MAX) formatCache.set(pattern, parts);
  return parts;
}

export function formatWithPattern(ms: number, pattern: string): string {
  const d = new Date(ms);
  let out = "";
  for (const p of parseFormatPattern(pattern)) {
    if (p.kind === "literal") {
      out += p.text;
      continue;
    }
    const w = p.width;
    switch (p.letter) {
      case "y":
        out += w === 2 ? pad(d.getUTCFullYear() % 100) : pad(d.getUTCFullYear(), w);
        break;
      case "M":
        out += w >= 4 ? MONTHS[d.getUTCMonth()] : w === 3 ? MONTHS[d.getUTCMonth()]!.slice(0, 3) : pad(d.getUTCMonth() + 1, w);
        break;
      case "d":
        out += pad(d.getUTCDate(), w);
        break;
      case "H":
        out += pad(d.getUTCHours(), w);
        break;
      case "h":
        out += pad(d.getUTCHours() % 12 || 12, w);
        break;
      case "m":
        out += pad(d.getUTCMinutes(), w);
        break;
      case "s":
        out += pad(d.getUTCSeconds(), w);
        break;
      case "S":
        out += pad(d.getUTCMilliseconds(), Math.max(w, 3)).slice(0, Math.max(w, 3));
        break;
      case "a":
        out += d.getUTCHours() < 12 ? "AM" : "PM";
        break;
      case "E":
        out += w >= 4 ? DAYS[d.getUTCDay()] : DAYS[d.getUTCDay()]!.slice(0, 3);
        break;
      case "D":
        out += pad(Math.floor((ms - Date.UTC(d.getUTCFullYear(), 0, 1)) / DAY_MS) + 1, w);
        break;
      case "z":
      case "Z":
      case "X":
        out += p.letter === "z" ? "UTC" : "+0000";
        break;
      default:
        out += p.letter.repeat(w);
    }
  }
  return out;
}

/** Parses `text` with a SimpleDateFormat pattern; null when it does not match. */
export function parseWithPattern(text: string, pattern: string): number | null {
  let y = 1970;
  let mo = 0;
  let day = 1;
  let h = 0;
  let mi = 0;
  let s = 0;
  let ms = 0;
  let pm: boolean | null = null;
  let i = 0;
  const parts = parseFormatPattern(pattern);
  for (let k = 0; k < parts.length; k++) {
    const p = parts[k] as FormatPart;
    if (p.kind === "literal") {
      if (text.slice(i, i + p.text.length) !== p.text) return null;
      i += p.text.length;
      continue;
    }
    const next = parts[k + 1];
    // Adjacent numeric fields (yyyyMMdd) take exactly their width; otherwise read all digits.
    const fixedWidth = next !== undefined && next.kind === "field";
    if (p.letter === "M" && p.width >= 3) {
      const names = MONTHS.map((n) => (p.width === 3 ? n.slice(0, 3) : n));
      const idx = names.findIndex((n) => text.slice(i, i + n.length).toLowerCase() === n.toLowerCase());
      if (idx < 0) return null;
      mo = idx;
      i += (names[idx] as string).length;
      continue;
    }
    if (p.letter === "E") {
      const m = /^[A-Za-z]+/.exec(text.slice(i));
      if (!m) return null;
      i += m[0].length;
      continue;
    }
    if (p.letter === "a") {
      const t = text.slice(i, i + 2).toUpperCase();
      if (t !== "AM" && t !== "PM") return null;
      pm = t === "PM";
      i += 2;
      continue;
    }
    if (p.letter === "z" || p.letter === "Z" || p.letter === "X") {
      const m = /^(Z|UTC|GMT|[+-]\d{2}:?\d{2})/.exec(text.slice(i));
      if (!m) return null;
      i += m[0].length;
      continue;
    }
    const m = fixedWidth ? new RegExp(`^\\d{1,${p.width}}`).exec(text.slice(i)) : /^\d+/.exec(text.slice(i));
    if (!m) return null;
    const v = Number(m[0]);
    i += m[0].length;
    switch (p.letter) {
      case "y":
        y = p.width === 2 ? 2000 + v : v;
        break;
      case "M":
        mo = v - 1;
        break;
      case "d":
        day = v;
        break;
      case "H":
      case "k":
        h = v;
        break;
      case "h":
      case "K":
        h = v % 12;
        break;
      case "m":
        mi = v;
        break;
      case "s":
        s = v;
        break;
      case "S":
        ms = m[0].length > 3 ? Number(m[0].slice(0, 3)) : v * (m[0].length === 1 && p.width === 1 ? 1 : 1);
        break;
      default:
        return null;
    }
  }
  if (i !== text.length) return null;
  if (pm === true) h += 12;
  return Date.UTC(y, mo, day, h, mi, s, ms);
}
