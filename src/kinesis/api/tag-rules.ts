import { invalidArgument } from "../engine/errors.js";

// AWS's tag character rule as recorded by kinesalite: Unicode letters, digits, white space, _ . / = + - % @,
// and then '%' refused separately with its own message.
const INVALID_TAG_CHARACTER = /[^\u00C0-\u1FFF\u2C00-\uD7FF\w./\-=+ @%]/;

export function checkTagCharacters(values: readonly string[], action: "add tags to" | "remove tags from", target: string): void {
  if (values.some((v) => INVALID_TAG_CHARACTER.test(v))) {
    throw invalidArgument("Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, _ . / = + - % @.");
  }
  if (values.some((v) => v.includes("%"))) {
    throw invalidArgument(
      `Failed to ${action} ${target} because some tags contained illegal characters. The allowed characters are Unicode letters, white-spaces, '_',',','/','=','+','-','@'.`,
    );
  }
}

/** AWS reserves the `aws:` prefix for its own tags. */
export function checkNoReservedPrefix(keys: readonly string[]): void {
  const reserved = keys.find((k) => k.toLowerCase().startsWith("aws:"));
  if (reserved !== undefined) throw invalidArgument(`Tag key ${reserved} uses the reserved prefix aws:.`);
}
