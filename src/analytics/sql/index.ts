/**
 * The SQL engine's public surface, for the applications API and runtime. Everything else in this folder is
 * internal and may change.
 */
export {
  compileApplication,
  CompiledApplication,
  ERROR_STREAM_NAME,
  ERROR_STREAM_COLUMNS,
  APPROXIMATE_ARRIVAL_TIME_COLUMN,
  SHARD_ID_COLUMN,
  KINESIS_SOURCE_IMPLICIT_COLUMNS,
  withImplicitSourceColumns,
  type ColumnDescriptor,
  type CompileOptions,
  type InputSchemaDescriptor,
  type OutputListener,
  type PumpDescription,
  type ReferenceTableDescriptor,
  type StreamDescription,
} from "./engine.js";
export { SqlCompileError, RowError, type RowErrorName, type SourcePos } from "./errors.js";
export type { Row } from "./scope.js";
export { typeToString, type SqlType, type TypeKind } from "./types.js";
export { parseDataType } from "./type-text.js";
export { checkDecimalPrecision, fitString, formatDecimal, formatDouble, parseDecimalText, valueToText } from "./values.js";
export { formatTimestamp, parseDate, parseTime, parseTimestamp } from "./datetime.js";
export { SQL_CODE_CHARS_MAX, IN_APP_NAME_CHARS_MAX } from "./limits.js";
export { driveWithClock } from "./clock-driver.js";
