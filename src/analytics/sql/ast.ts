/** Syntax tree of the dialect, as produced by the parser. Names are already case-folded by the lexer. */
import type { SourcePos } from "./errors.js";
import type { SqlType, TimeUnit } from "./types.js";

export interface Node {
  pos: SourcePos;
}

// ---- Expressions ----

export type Expr =
  | LiteralExpr
  | ColumnRefExpr
  | StarExpr
  | UnaryExpr
  | BinaryExpr
  | CallExpr
  | CaseExpr
  | CastExpr
  | BetweenExpr
  | InExpr
  | IsExpr
  | LikeExpr
  | IntervalQualifyExpr;

export interface LiteralExpr extends Node {
  type: "literal";
  sqlType: SqlType;
  value: unknown;
}

export interface ColumnRefExpr extends Node {
  type: "column";
  /** Dotted parts, e.g. ["S", "ROWTIME"] or ["T", "R", "COLUMN1"]. */
  parts: string[];
}

export interface StarExpr extends Node {
  type: "star";
  /** `s.*` names its relation. */
  qualifier?: string;
}

export interface UnaryExpr extends Node {
  type: "unary";
  op: "-" | "+" | "NOT";
  operand: Expr;
}

export type BinaryOp = "+" | "-" | "*" | "/" | "%" | "||" | "=" | "<>" | "<" | "<=" | ">" | ">=" | "AND" | "OR";

export interface BinaryExpr extends Node {
  type: "binary";
  op: BinaryOp;
  left: Expr;
  right: Expr;
}

export interface CallExpr extends Node {
  type: "call";
  name: string;
  args: Expr[];
  distinct?: boolean;
  /** A time unit argument: FLOOR(x TO MINUTE), EXTRACT(HOUR FROM x), TRIM(LEADING ...). */
  unit?: TimeUnit;
  /** Keyword argument of TRIM: BOTH | LEADING | TRAILING. */
  keyword?: string;
  over?: WindowRef;
  /** LAG ... IGNORE NULLS. */
  ignoreNulls?: boolean;
}

export interface CaseExpr extends Node {
  type: "case";
  operand?: Expr;
  whens: { when: Expr; then: Expr }[];
  elseExpr?: Expr;
}

export interface CastExpr extends Node {
  type: "cast";
  expr: Expr;
  target: SqlType;
}

export interface BetweenExpr extends Node {
  type: "between";
  expr: Expr;
  low: Expr;
  high: Expr;
  not: boolean;
}

export interface InExpr extends Node {
  type: "in";
  expr: Expr;
  list: Expr[];
  not: boolean;
}

export interface IsExpr extends Node {
  type: "is";
  expr: Expr;
  what: "NULL" | "TRUE" | "FALSE" | "UNKNOWN";
  not: boolean;
}

export interface LikeExpr extends Node {
  type: "like";
  expr: Expr;
  pattern: Expr;
  escape?: Expr;
  not: boolean;
  similar: boolean;
}

/** `(a - b) SECOND`: a datetime difference read as an interval of the given unit. */
export interface IntervalQualifyExpr extends Node {
  type: "intervalQualify";
  expr: Expr;
  unit: TimeUnit;
}

// ---- Windows ----

export interface WindowSpec extends Node {
  /** `OVER (w ...)` may extend a named window; we accept only a bare reference. */
  baseName?: string;
  partitionBy: Expr[];
  orderBy: Expr[];
  frame?: WindowFrame;
}

export type WindowFrame =
  | { kind: "RANGE"; interval: Expr | "UNBOUNDED" }
  | { kind: "ROWS"; count: number | "UNBOUNDED" };

export type WindowRef = { kind: "name"; name: string; pos: SourcePos } | { kind: "spec"; spec: WindowSpec };

// ---- Queries ----

export interface SelectItem extends Node {
  expr: Expr;
  alias?: string;
}

export interface SelectStmt extends Node {
  type: "select";
  stream: boolean;
  distinct: boolean;
  items: SelectItem[];
  from: FromItem;
  where?: Expr;
  groupBy?: Expr[];
  stagger?: { partitionBy: Expr[]; range: Expr; pos: SourcePos };
  having?: Expr;
  windows: { name: string; spec: WindowSpec }[];
  orderBy?: { expr: Expr; desc: boolean }[];
}

export type FromItem = StreamFrom | SubqueryFrom | TableFunctionFrom | JoinFrom;

export interface StreamFrom extends Node {
  type: "stream";
  /** Possibly schema-qualified; the last part is the stream or table name. */
  name: string;
  alias?: string;
  window?: WindowRef;
}

export interface SubqueryFrom extends Node {
  type: "subquery";
  query: SelectStmt;
  alias?: string;
  columnAliases?: string[];
}

export type TableFunctionArg = { kind: "cursor"; query: SelectStmt; pos: SourcePos } | { kind: "expr"; expr: Expr };

export interface TableFunctionFrom extends Node {
  type: "tableFunction";
  name: string;
  args: TableFunctionArg[];
  alias?: string;
  columnAliases?: string[];
}

export type JoinKind = "INNER" | "LEFT" | "RIGHT" | "FULL" | "CROSS";

export interface JoinFrom extends Node {
  type: "join";
  kind: JoinKind;
  left: FromItem;
  right: FromItem;
  on?: Expr;
}

// ---- Statements ----

export interface ColumnDef extends Node {
  name: string;
  sqlType: SqlType;
}

export interface CreateStreamStmt extends Node {
  type: "createStream";
  name: string;
  orReplace: boolean;
  columns: ColumnDef[];
  description?: string;
}

export interface CreatePumpStmt extends Node {
  type: "createPump";
  name: string;
  orReplace: boolean;
  target: string;
  targetColumns?: string[];
  query: SelectStmt;
}

export type Statement = CreateStreamStmt | CreatePumpStmt;
