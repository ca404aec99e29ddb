/**
 * compileInputValidator(table, shapeName) -> (raw, codec) => typed input
 *
 * Compiled once at start-up into closures; per request it runs AWS's two phases in AWS's order:
 *   1. deserialization and type checks -> SerializationException (deserialize.ts);
 *   2. the model's constraints         -> ValidationException "N validation error(s) detected: ..."
 *      (constraints.ts).
 * Existence and state checks are the operation's own, after this.
 */
import { serializationException, validationException } from "../../core/errors.js";
import type { Codec } from "../service.js";
import { createCheckerCompiler } from "./constraints.js";
import { createReaderCompiler } from "./deserialize.js";
import type { ShapeTable } from "./shape-table.js";

export type InputValidator<T> = (raw: unknown, codec: Codec) => T;

interface Compilers {
  reader: ReturnType<typeof createReaderCompiler>;
  checker: ReturnType<typeof createCheckerCompiler>;
}

// One set of compiled closures per table, shared by all of its operations.
const compilersByTable = new WeakMap<ShapeTable, Compilers>();

function compilersFor(table: ShapeTable): Compilers {
  let compilers = compilersByTable.get(table);
  if (compilers === undefined) {
    compilers = { reader: createReaderCompiler(table), checker: createCheckerCompiler(table) };
    compilersByTable.set(table, compilers);
  }
  return compilers;
}

export function validationMessage(errors: readonly string[]): string {
  const noun = errors.length === 1 ? "error" : "errors";
  return `${errors.length} validation ${noun} detected: ${errors.join("; ")}`;
}

export function compileInputValidator<T>(table: ShapeTable, shapeName: string): InputValidator<T> {
  const shape = table.shapes[shapeName];
  if (shape === undefined || shape.type !== "structure") {
    throw new Error(`${shapeName} is not a structure shape of ${table.metadata.serviceId}`);
  }
  const { reader, checker } = compilersFor(table);
  const read = reader(shapeName);
  const { valid, report } = checker(shapeName);
  return (raw, codec) => {
    // A body that is not a JSON/CBOR object (null, a number, ...) is refused before any member is
    // looked at; AWS sends this SerializationException without a message.
    if (typeof raw !== "object" || raw === null) throw serializationException("");
    const input = read(raw, codec);
    if (valid !== null && !valid(input)) {
      const errors: string[] = [];
      report(input, "", errors);
      throw validationException(validationMessage(errors));
    }
    return input as T;
  };
}
