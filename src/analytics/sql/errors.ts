/**
 * Errors of the SQL engine. Compile-time problems are SqlCompileError with a line and column (the
 * applications API maps them to CodeValidationException); row-level failures at run time are RowError,
 * which the engine turns into an error_stream row while the application keeps running.
 */

export interface SourcePos {
  /** 1-based line of the SQL text. */
  line: number;
  /** 1-based column of the SQL text. */
  column: number;
}

export class SqlCompileError extends Error {
  constructor(
    readonly detail: string,
    readonly pos: SourcePos,
  ) {
    super(`${detail} at line ${pos.line}, column ${pos.column}`);
    this.name = "SqlCompileError";
  }
}

/** Names used in error_stream's ERROR_NAME column. */
export type RowErrorName =
  | "DIVISION_BY_ZERO"
  | "CAST_ERROR"
  | "NUMERIC_OVERFLOW"
  | "OUT_OF_ORDER_ROWTIME"
  | "COERCION_ERROR"
  | "FUNCTION_ERROR";

export class RowError extends Error {
  constructor(
    readonly errorName: RowErrorName,
    message: string,
  ) {
    super(message);
    this.name = "RowError";
  }
}

export function compileError(detail: string, pos: SourcePos): SqlCompileError {
  return new SqlCompileError(detail, pos);
}
