/**
 * defineOperation(table, name, impl) -> Operation
 *
 * The usual way to write an operation: the input is validated against the model (serialization, then
 * constraints) by a validator compiled when the operation is defined, then `impl` gets the typed input.
 *
 *   export const PutRecords = defineOperation<PutRecordsInput>(kinesisShapes, "PutRecords",
 *     async (input, ctx) => ({ FailedRecordCount: 0, Records: [...] }));
 *
 * `impl` returns the output value (sent as a ValueResult; undefined for operations without output) or
 * an OperationResult of its own (an already-encoded body or an event stream), passed through as is.
 */
import { valueResult, type Operation, type OperationResult, type RequestContext } from "../service.js";
import { compileInputValidator } from "./compile-input-validator.js";
import type { ShapeTable } from "./shape-table.js";

export type OperationImpl<I> = (input: I, ctx: RequestContext) => unknown;

const RESULT_KINDS: ReadonlySet<unknown> = new Set(["value", "encoded", "event-stream"]);

/** Output shapes have PascalCase members, so a lower-case `kind` can only be an OperationResult's. */
function isOperationResult(value: unknown): value is OperationResult {
  return typeof value === "object" && value !== null && RESULT_KINDS.has((value as { kind?: unknown }).kind);
}

export function defineOperation<I>(table: ShapeTable, name: string, impl: OperationImpl<I>): Operation {
  const entry = table.operations[name];
  if (entry === undefined) throw new Error(`${table.metadata.serviceId} has no operation ${name}`);
  const validate = entry.input === null ? (): I => ({}) as I : compileInputValidator<I>(table, entry.input);
  return {
    name,
    async handle(raw: unknown, ctx: RequestContext): Promise<OperationResult> {
      const input = validate(raw, ctx.codec);
      const output = await impl(input, ctx);
      return isOperationResult(output) ? output : valueResult(output);
    },
  };
}
