/**
 * AWS models carry Java regular expressions, which must match a member's whole value
 * (`Pattern.matches`). This turns one into a JavaScript RegExp anchored at both ends, translating the
 * Java constructs the models use and refusing the ones it does not understand, so that a model
 * update with a new construct fails at start-up instead of validating wrongly.
 */
export function compileJavaPattern(pattern: string): RegExp {
  return new RegExp(`^(?:${translate(pattern)})$`);
}


function translate(pattern: string): string {
  let out = "";
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === "\\") {
      const next = pattern[i + 1];
      if (next === undefined) throw new Error(`pattern ${pattern}: trailing backslash`);
      i++;
      if (next === "A") out += "^";
      else if (next === "z" || next === "Z") out += "$";
      else if (next === "p" || next === "P" || next === "Q" || next === "E" || next === "G") {
        throw new Error(`pattern ${pattern}: unsupported Java construct \\${next}`);
      } else out += `\\${next}`;
      continue;
    }
    if (inClass) {
      if (c === "[" || (c === "&" && pattern[i + 1] === "&")) {
        throw new Error(`pattern ${pattern}: unsupported Java character class union or intersection`);
      }
      if (c === "]") inClass = false;
      out += c;
      continue;
    }
    if (c === "[") {
      inClass = true;
      out += c;
      // A leading ']' (or '^]') is a literal in both dialects; copy it so it does not close the class.
      if (pattern[i + 1] === "^") out += pattern[++i];
      if (pattern[i + 1] === "]") out += `\\${pattern[++i]}`;
      continue;
    }
    // Java's possessive quantifiers (X*+, X++, X?+, X{n}+) never backtrack; JavaScript has none, and
    // reads the '+' as another quantifier. For whole-value matching a greedy quantifier is equivalent
    // for the models' patterns, so drop the '+'.
    if (c === "+" && endsWithQuantifier(out)) continue;
    out += c;
  }
  if (inClass) throw new Error(`pattern ${pattern}: unterminated character class`);
  return out;
}

function endsWithQuantifier(source: string): boolean {
  const last = source[source.length - 1];
  const before = source[source.length - 2];
  if (last === "}") {
    const open = source.lastIndexOf("{");
    return /\{\d+(,\d*)?\}$/.test(source) && source[open - 1] !== "\\";
  }
  if (last === "*" || last === "+" || last === "?") return before !== undefined && before !== "\\" && before !== "(";
  return false;
}
