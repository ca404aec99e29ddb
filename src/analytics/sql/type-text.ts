/** Parses a type's SQL text ("VARCHAR(16)", "DECIMAL(10,2)") as used in input schema descriptors. */
import { parseColumnList } from "./parser.js";
import type { SqlType } from "./types.js";

export function parseDataType(text: string): SqlType {
  const cols = parseColumnList(`"x" ${text}`);
  return (cols[0] as { type: SqlType }).type;
}
