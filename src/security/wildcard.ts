/**
 * IAM's wildcard matching: `*` matches any run of characters (slashes and colons included), `?` any
 * one character; everything else is literal. Patterns are compiled once and cached, since the same few
 * policy strings are matched on every request.
 */
const CACHE_ENTRIES_MAX = 4096;
const caseSensitive = new Map<string, RegExp>();
const caseInsensitive = new Map<string, RegExp>();

function compile(pattern: string, ignoreCase: boolean): RegExp {
  const cache = ignoreCase ? caseInsensitive : caseSensitive;
  let regex = cache.get(pattern);
  if (regex === undefined) {
    const source = pattern.replace(/[.+^${}()|[\]\\*?]/g, (c) => (c === "*" ? ".*" : c === "?" ? "." : `\\${c}`));
    regex = new RegExp(`^${source}$`, ignoreCase ? "is" : "s");
    if (cache.size >= CACHE_ENTRIES_MAX) cache.clear();
    cache.set(pattern, regex);
  }
  return regex;
}

export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  if (pattern === "*") return true;
  if (!pattern.includes("*") && !pattern.includes("?")) return ignoreCase ? pattern.toLowerCase() === value.toLowerCase() : pattern === value;
  return compile(pattern, ignoreCase).test(value);
}
