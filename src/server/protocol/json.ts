/**
 * AWS JSON 1.0/1.1 output encoding by JavaScript type (see service.ts): Uint8Array -> base64 string,
 * Date -> epoch seconds with millisecond precision as a number, null/undefined members omitted as AWS's
 * serializers omit them. JSON.stringify with a replacer would see Buffers only after their toJSON ran
 * (an array of byte numbers) and is slower than this single walk; strings still go through the native
 * escaper.
 */

export function encodeJson(value: unknown): Buffer {
  return Buffer.from(stringify(value), "utf8");
}

function stringify(value: unknown): string {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
      return Number.isFinite(value) ? String(value) : "null";
    case "boolean":
      return value ? "true" : "false";
    case "bigint":
      return value.toString();
    case "object":
      if (value === null) return "null";
      if (Array.isArray(value)) return stringifyArray(value);
      if (value instanceof Uint8Array) return `"${base64(value)}"`;
      if (value instanceof Date) return String(value.getTime() / 1000);
      return stringifyObject(value as Record<string, unknown>);
    default:
      return "null";
  }
}

function stringifyArray(items: readonly unknown[]): string {
  if (items.length === 0) return "[]";
  let s = "[" + stringify(items[0]);
  for (let i = 1; i < items.length; i++) s += "," + stringify(items[i]);
  return s + "]";
}

function stringifyObject(map: Record<string, unknown>): string {
  let s = "{";
  let first = true;
  for (const key in map) {
    if (!Object.prototype.hasOwnProperty.call(map, key)) continue;
    const member = map[key];
    if (member == null) continue;
    s += (first ? "" : ",") + JSON.stringify(key) + ":" + stringify(member);
    first = false;
  }
  return s + "}";
}

function base64(bytes: Uint8Array): string {
  return (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)).toString("base64");
}
