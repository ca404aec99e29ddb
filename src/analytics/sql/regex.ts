/** Java regular expressions (the dialect's flavour) translated to JavaScript ones. */
import type { CallExpr } from "./ast.js";
import { compileError } from "./errors.js";

/** Translates what differs: possessive quantifiers (read as greedy), \A, \z, \Z and a leading (?i). */
export function javaRegex(pattern: string, call: Pick<CallExpr, "pos">, flags = ""): RegExp {
  let src = pattern;
  let f = flags;
  const inline = /^\(\?([imsx]+)\)/.exec(src);
  if (inline) {
    src = src.slice(inline[0].length);
    for (const c of inline[1] as string) if (c !== "x" && !f.includes(c)) f += c;
  }
  src = src
    .replace(/\\A/g, "^")
    .replace(/\\[zZ]/g, "$")
    .replace(/([*+?}])\+/g, "$1");
  try {
    return new RegExp(src, f);
  } catch (err) {
    throw compileError(`Invalid regular expression '${pattern}': ${(err as Error).message}`, call.pos);
  }
}

/** Number of capturing groups in a regular expression. */
export function groupCount(re: RegExp): number {
  const m = new RegExp(`${re.source}|`).exec("");
  return m ? m.length - 1 : 0;
}
