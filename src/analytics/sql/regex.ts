/** Java regular expressions (the dialect's flavour) translated to JavaScript ones. */
import type { CallExpr } from "./ast.js";
import { compileError } from "./errors.js";

/** Java's POSIX character classes, as JavaScript character-class bodies. */
const POSIX_CLASSES: Record<string, string> = {
  Lower: "a-z",
  Upper: "A-Z",
  ASCII: "\\x00-\\x7F",
  Alpha: "A-Za-z",
  Digit: "0-9",
  Alnum: "A-Za-z0-9",
  Punct: "!-\\/:-@\\[-`{-~",
  Graph: "!-~",
  Print: " -~",
  Blank: " \\t",
  Cntrl: "\\x00-\\x1F\\x7F",
  XDigit: "0-9a-fA-F",
  Space: " \\t\\n\\x0B\\f\\r",
};

/** Rewrites \Q...\E quoting and \p{Posix} / \P{Posix} classes, which JavaScript lacks. */
function rewriteJavaOnly(src: string): string {
  let out = "";
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i] as string;
    if (c === "\\" && src[i + 1] === "Q") {
      const end = src.indexOf("\\E", i + 2);
      const literal = src.slice(i + 2, end < 0 ? undefined : end);
      out += literal.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&");
      i = end < 0 ? src.length : end + 1;
      continue;
    }
    if (c === "\\" && (src[i + 1] === "p" || src[i + 1] === "P") && src[i + 2] === "{") {
      const close = src.indexOf("}", i + 3);
      const name = src.slice(i + 3, close).replace(/^Is/, "");
      const body = POSIX_CLASSES[name];
      if (close > 0 && body !== undefined) {
        const negated = src[i + 1] === "P";
        if (inClass && negated) throw new Error(`\\P{${name}} inside a character class is not supported`);
        out += inClass ? body : `[${negated ? "^" : ""}${body}]`;
        i = close;
        continue;
      }
    }
    if (c === "\\") {
      out += c + (src[i + 1] ?? "");
      i++;
      continue;
    }
    if (c === "[") inClass = true;
    else if (c === "]") inClass = false;
    out += c;
  }
  return out;
}

/**
 * Translates what differs: possessive quantifiers (read as greedy), \A, \z, \Z, a leading (?i),
 * \Q...\E and the POSIX classes \p{Alpha} etc.
 */
export function javaRegex(pattern: string, call: Pick<CallExpr, "pos">, flags = ""): RegExp {
  let src: string;
  try {
    src = rewriteJavaOnly(pattern);
  } catch (err) {
    throw compileError(`Invalid regular expression '${pattern}': ${(err as Error).message}`, call.pos);
  }
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

/**
 * Makes every quantifier lazy (`*` → `*?`, `{2,}` → `{2,}?`): FAST_REGEX_LOG_PARSER matches with lazy
 * semantics, so `(.*) (.*)` splits "a b c" as "a" and "b c".
 */
export function lazyQuantifiers(src: string): string {
  let out = "";
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i] as string;
    if (c === "\\") {
      out += c + (src[i + 1] ?? "");
      i++;
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      out += c;
      continue;
    }
    if (c === "[") {
      inClass = true;
      out += c;
      continue;
    }
    let quantifier = "";
    if (c === "*" || c === "+" || c === "?") quantifier = c;
    else if (c === "{") {
      const m = /^\{\d+(,\d*)?\}/.exec(src.slice(i));
      if (m) quantifier = m[0];
    }
    // A `?` right after `(` is group syntax, not a quantifier.
    if (quantifier === "?" && src[i - 1] === "(") quantifier = "";
    if (!quantifier) {
      out += c;
      continue;
    }
    out += quantifier;
    i += quantifier.length - 1;
    const next = src[i + 1];
    if (next === "?") {
      out += "?";
      i++;
    } else if (next === "+") i++; // possessive: read as lazy too
    else out += "?";
  }
  return out;
}
