/**
 * Hand-written tokenizer for the Kinesis Analytics SQL dialect. Unquoted identifiers are folded to upper
 * case here, once, so that the parser and binder compare names exactly; quoted identifiers keep their
 * spelling. Keywords are not reserved at this level: the parser recognises them by the folded text of
 * an unquoted identifier, so a quoted "STEP" is always a name.
 */
import { compileError, type SourcePos } from "./errors.js";

export type TokenKind = "ident" | "qident" | "string" | "binary" | "number" | "op" | "eof";

export interface Token extends SourcePos {
  kind: TokenKind;
  /** ident: folded upper case; qident: exact name; string: unescaped text; number: literal text; op: symbol. */
  text: string;
  /** Offset in the source, for error snippets. */
  offset: number;
}

const TWO_CHAR_OPS = new Set(["<=", ">=", "<>", "!=", "||", "=>"]);
const ONE_CHAR_OPS = new Set(["(", ")", ",", ";", ".", "+", "-", "*", "/", "%", "=", "<", ">", "[", "]", ":"]);

function isIdentStart(c: string): boolean {
  return (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_" || c === "$" || c > "\u007f";
}
function isIdentPart(c: string): boolean {
  return isIdentStart(c) || (c >= "0" && c <= "9");
}
function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= "0" && c <= "9";
}

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const pos = (at: number): SourcePos => ({ line, column: at - lineStart + 1 });
  const newlinesIn = (from: number, to: number): void => {
    for (let k = from; k < to; k++) {
      if (sql[k] === "\n") {
        line++;
        lineStart = k + 1;
      }
    }
  };
  const push = (kind: TokenKind, text: string, start: number, p: SourcePos): void => {
    tokens.push({ kind, text, offset: start, line: p.line, column: p.column });
  };

  while (i < sql.length) {
    const c = sql[i] as string;
    if (c === "\n") {
      line++;
      i++;
      lineStart = i;
      continue;
    }
    if (c === " " || c === "\t" || c === "\r" || c === "\f") {
      i++;
      continue;
    }
    // `--` is SQL's line comment; some AWS reference pages use `//`, which is harmless to accept.
    if ((c === "-" && sql[i + 1] === "-") || (c === "/" && sql[i + 1] === "/")) {
      while (i < sql.length && sql[i] !== "\n") i++;
      continue;
    }
    if (c === "/" && sql[i + 1] === "*") {
      const p = pos(i);
      const end = sql.indexOf("*/", i + 2);
      if (end < 0) throw compileError("Unterminated comment", p);
      newlinesIn(i, end);
      i = end + 2;
      continue;
    }
    const start = i;
    const p = pos(i);
    if ((c === "X" || c === "x") && sql[i + 1] === "'") {
      const [text, next] = readQuoted(sql, i + 1, "'", p);
      if (!/^[0-9a-fA-F]*$/.test(text) || text.length % 2 !== 0) throw compileError("Invalid binary literal", p);
      push("binary", text.toUpperCase(), start, p);
      newlinesIn(start, next);
      i = next;
      continue;
    }
    // U&'...' strings: \XXXX is a Unicode escape (how the reference writes a tab delimiter).
    if ((c === "U" || c === "u") && sql[i + 1] === "&" && sql[i + 2] === "'") {
      const [raw, next] = readQuoted(sql, i + 2, "'", p);
      const text = raw.replace(/\\([0-9a-fA-F]{4})|\\\\/g, (_m, hex: string | undefined) => (hex ? String.fromCharCode(parseInt(hex, 16)) : "\\"));
      push("string", text, start, p);
      newlinesIn(start, next);
      i = next;
      continue;
    }
    if (c === "'") {
      const [text, next] = readQuoted(sql, i, "'", p);
      push("string", text, start, p);
      newlinesIn(start, next);
      i = next;
      continue;
    }
    if (c === '"') {
      const [text, next] = readQuoted(sql, i, '"', p);
      if (text.length === 0) throw compileError("Empty quoted identifier", p);
      push("qident", text, start, p);
      newlinesIn(start, next);
      i = next;
      continue;
    }
    if (isDigit(c) || (c === "." && isDigit(sql[i + 1]))) {
      let j = i;
      while (isDigit(sql[j])) j++;
      if (sql[j] === "." && isDigit(sql[j + 1])) {
        j++;
        while (isDigit(sql[j])) j++;
      } else if (sql[j] === "." && !isIdentStart(sql[j + 1] ?? " ")) {
        j++;
      }
      if ((sql[j] === "e" || sql[j] === "E") && (isDigit(sql[j + 1]) || ((sql[j + 1] === "+" || sql[j + 1] === "-") && isDigit(sql[j + 2])))) {
        j += 2;
        while (isDigit(sql[j])) j++;
      }
      push("number", sql.slice(i, j), start, p);
      i = j;
      continue;
    }
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < sql.length && isIdentPart(sql[j] as string)) j++;
      push("ident", sql.slice(i, j).toUpperCase(), start, p);
      i = j;
      continue;
    }
    const two = sql.slice(i, i + 2);
    if (TWO_CHAR_OPS.has(two)) {
      push("op", two === "!=" ? "<>" : two, start, p);
      i += 2;
      continue;
    }
    if (ONE_CHAR_OPS.has(c)) {
      push("op", c, start, p);
      i++;
      continue;
    }
    throw compileError(`Unexpected character '${c}'`, p);
  }
  tokens.push({ kind: "eof", text: "", offset: sql.length, ...pos(sql.length) });
  return tokens;
}

/** Reads a quoted run starting at the opening quote; a doubled quote stands for one. */
function readQuoted(sql: string, at: number, quote: string, p: SourcePos): [string, number] {
  let out = "";
  let j = at + 1;
  for (;;) {
    const k = sql.indexOf(quote, j);
    if (k < 0) throw compileError(quote === "'" ? "Unterminated string literal" : "Unterminated quoted identifier", p);
    out += sql.slice(j, k);
    if (sql[k + 1] === quote) {
      out += quote;
      j = k + 2;
      continue;
    }
    return [out, k + 1];
  }
}
