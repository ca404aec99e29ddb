/**
 * Recursive-descent parser for the Kinesis Analytics SQL dialect (statements, SELECT STREAM queries) with a
 * precedence-climbing expression parser. Every error names the line and column of the offending token.
 */
import type * as A from "./ast.js";
import { compileError, type SourcePos } from "./errors.js";
import { tokenize, type Token } from "./lexer.js";
import { parseDate, parseTime, parseTimestamp } from "./datetime.js";
import { CHAR_LENGTH_MAX, DECIMAL_PRECISION_MAX, T, type SqlType, type TimeUnit } from "./types.js";

const TIME_UNITS = new Set<string>(["YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND", "MILLISECOND"]);

/** Words that end an expression or a FROM item, so they cannot be implicit aliases. */
const RESERVED = new Set([
  "SELECT", "STREAM", "FROM", "WHERE", "GROUP", "BY", "HAVING", "WINDOW", "WINDOWED", "ORDER", "JOIN", "INNER",
  "LEFT", "RIGHT", "FULL", "OUTER", "CROSS", "ON", "AS", "OVER", "AND", "OR", "NOT", "UNION", "INSERT", "INTO",
  "CREATE", "PUMP", "CASE", "WHEN", "THEN", "ELSE", "END", "IS", "IN", "LIKE", "SIMILAR", "BETWEEN", "ESCAPE",
  "PARTITION", "RANGE", "ROWS", "PRECEDING", "FOLLOWING", "IGNORE", "RESPECT", "LIMIT", "DESC", "ASC", "NULLS",
]);

/** Functions written without parentheses. */
const NILADIC = new Set(["CURRENT_TIMESTAMP", "CURRENT_DATE", "CURRENT_TIME", "LOCALTIME", "LOCALTIMESTAMP", "CURRENT_ROW_TIMESTAMP"]);

export function parseProgram(sql: string): A.Statement[] {
  return new Parser(tokenize(sql)).program();
}

/** Parses a lone expression (tests, and the runtime's computed columns). */
export function parseExpression(sql: string): A.Expr {
  const p = new Parser(tokenize(sql));
  const e = p.expr();
  p.expectEof();
  return e;
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  // ---- token helpers ----
  private get tok(): Token {
    return this.tokens[this.i] as Token;
  }
  private peek(n = 1): Token {
    return (this.tokens[this.i + n] ?? this.tokens[this.tokens.length - 1]) as Token;
  }
  private pos(t: Token = this.tok): SourcePos {
    return { line: t.line, column: t.column };
  }
  private isWord(w: string, t: Token = this.tok): boolean {
    return t.kind === "ident" && t.text === w;
  }
  private isOp(o: string, t: Token = this.tok): boolean {
    return t.kind === "op" && t.text === o;
  }
  private acceptWord(w: string): boolean {
    if (this.isWord(w)) {
      this.i++;
      return true;
    }
    return false;
  }
  private acceptOp(o: string): boolean {
    if (this.isOp(o)) {
      this.i++;
      return true;
    }
    return false;
  }
  private describe(t: Token): string {
    switch (t.kind) {
      case "eof":
        return "end of input";
      case "string":
        return `'${t.text}'`;
      case "qident":
        return `"${t.text}"`;
      default:
        return `'${t.text}'`;
    }
  }
  private fail(expected: string, t: Token = this.tok): never {
    throw compileError(`Expected ${expected} but found ${this.describe(t)}`, this.pos(t));
  }
  private expectWord(w: string): Token {
    if (!this.isWord(w)) this.fail(w);
    return this.tokens[this.i++] as Token;
  }
  private expectOp(o: string): Token {
    if (!this.isOp(o)) this.fail(`'${o}'`);
    return this.tokens[this.i++] as Token;
  }
  private atEof(): boolean {
    return this.tok.kind === "eof";
  }
  expectEof(): void {
    if (this.tok.kind !== "eof") this.fail("end of input");
  }
  /** A name: a quoted identifier (exact) or an unquoted one (already folded). */
  private name(what = "identifier"): string {
    const t = this.tok;
    if (t.kind === "qident" || t.kind === "ident") {
      this.i++;
      return t.text;
    }
    return this.fail(what);
  }
  /** A possibly schema-qualified object name; the schema is ignored. */
  private objectName(what: string): string {
    let n = this.name(what);
    while (this.isOp(".")) {
      this.i++;
      n = this.name(what);
    }
    return n;
  }

  // ---- statements ----
  program(): A.Statement[] {
    const out: A.Statement[] = [];
    for (;;) {
      while (this.acceptOp(";"));
      if (this.tok.kind === "eof") break;
      out.push(this.statement());
      if (!this.atEof() && !this.isOp(";")) this.fail("';'");
    }
    return out;
  }

  private statement(): A.Statement {
    const start = this.pos();
    this.expectWord("CREATE");
    let orReplace = false;
    if (this.acceptWord("OR")) {
      this.expectWord("REPLACE");
      orReplace = true;
    }
    if (this.acceptWord("STREAM")) return this.createStream(start, orReplace);
    if (this.acceptWord("PUMP")) return this.createPump(start, orReplace);
    return this.fail("STREAM or PUMP");
  }

  private createStream(pos: SourcePos, orReplace: boolean): A.CreateStreamStmt {
    const name = this.objectName("stream name");
    this.expectOp("(");
    const columns: A.ColumnDef[] = [];
    do {
      const cpos = this.pos();
      const cname = this.name("column name");
      const sqlType = this.dataType();
      // Column constraints (NOT NULL) are accepted and ignored: streams are not validated on insert.
      if (this.acceptWord("NOT")) this.expectWord("NULL");
      columns.push({ name: cname, sqlType, pos: cpos });
    } while (this.acceptOp(","));
    this.expectOp(")");
    let description: string | undefined;
    if (this.acceptWord("DESCRIPTION")) {
      if (this.tok.kind !== "string") this.fail("a string");
      description = this.tok.text;
      this.i++;
    }
    return { type: "createStream", name, orReplace, columns, ...(description !== undefined ? { description } : {}), pos };
  }

  private createPump(pos: SourcePos, orReplace: boolean): A.CreatePumpStmt {
    const name = this.objectName("pump name");
    // SQLstream's STARTED/STOPPED marker: accepted, pumps always run.
    if (!this.acceptWord("STARTED")) this.acceptWord("STOPPED");
    this.expectWord("AS");
    this.expectWord("INSERT");
    this.expectWord("INTO");
    const target = this.objectName("stream name");
    let targetColumns: string[] | undefined;
    if (this.isOp("(")) {
      this.i++;
      targetColumns = [];
      do targetColumns.push(this.name("column name"));
      while (this.acceptOp(","));
      this.expectOp(")");
    }
    const query = this.select();
    return { type: "createPump", name, orReplace, target, ...(targetColumns ? { targetColumns } : {}), query, pos };
  }

  /** `name [TYPE] type [NOT NULL] [START n [FOR m]]`, the log parsers' column descriptions. */
  columnList(): ColumnSpec[] {
    const out: ColumnSpec[] = [];
    do {
      const name = this.name("column name");
      if (this.isWord("TYPE") && this.peek().kind === "ident") this.i++;
      const spec: ColumnSpec = { name, type: this.dataType() };
      // A datetime column may carry its SimpleDateFormat: "ts" TYPE TIMESTAMP 'dd/MMM/yyyy:HH:mm:ss'.
      if (this.tok.kind === "string") {
        spec.format = this.tok.text;
        this.i++;
      }
      if (this.acceptWord("NOT")) this.expectWord("NULL");
      if (this.acceptWord("START")) {
        spec.start = this.intArg();
        if (this.acceptWord("FOR")) spec.length = this.intArg();
      }
      out.push(spec);
    } while (this.acceptOp(","));
    return out;
  }

  // ---- types ----
  private intArg(): number {
    const t = this.tok;
    if (t.kind !== "number" || !/^\d+$/.test(t.text)) this.fail("an integer");
    this.i++;
    return Number(t.text);
  }

  dataType(): SqlType {
    const t = this.tok;
    if (t.kind !== "ident") this.fail("a data type");
    this.i++;
    const optLen = (dflt: number, max: number): number => {
      if (!this.acceptOp("(")) return dflt;
      const n = this.intArg();
      this.expectOp(")");
      if (n < 1 || n > max) throw compileError(`Length ${n} is out of range for ${t.text}`, this.pos(t));
      return n;
    };
    switch (t.text) {
      case "BOOLEAN":
        return T.BOOLEAN;
      case "TINYINT":
        return T.TINYINT;
      case "SMALLINT":
        return T.SMALLINT;
      case "INT":
      case "INTEGER":
        return T.INTEGER;
      case "BIGINT":
        return T.BIGINT;
      case "REAL":
        return T.REAL;
      case "FLOAT":
        return T.DOUBLE;
      case "DOUBLE":
        this.acceptWord("PRECISION");
        return T.DOUBLE;
      case "DEC":
      case "DECIMAL":
      case "NUMERIC": {
        let p = DECIMAL_PRECISION_MAX;
        let s = 0;
        if (this.acceptOp("(")) {
          p = this.intArg();
          if (this.acceptOp(",")) s = this.intArg();
          this.expectOp(")");
        }
        if (p < 1 || p > DECIMAL_PRECISION_MAX || s > p) throw compileError(`Invalid DECIMAL(${p},${s})`, this.pos(t));
        return { kind: "DECIMAL", precision: p, scale: s };
      }
      case "CHAR":
      case "CHARACTER":
        if (this.acceptWord("VARYING")) return { kind: "VARCHAR", precision: optLen(CHAR_LENGTH_MAX, CHAR_LENGTH_MAX) };
        return { kind: "CHAR", precision: optLen(1, CHAR_LENGTH_MAX) };
      case "VARCHAR":
        return { kind: "VARCHAR", precision: optLen(CHAR_LENGTH_MAX, CHAR_LENGTH_MAX) };
      case "BINARY":
        return { kind: "BINARY", precision: optLen(1, CHAR_LENGTH_MAX) };
      case "VARBINARY":
        return { kind: "VARBINARY", precision: optLen(CHAR_LENGTH_MAX, CHAR_LENGTH_MAX) };
      case "DATE":
        return T.DATE;
      case "TIME":
        optLen(0, 9);
        return T.TIME;
      case "TIMESTAMP":
        optLen(0, 9);
        return T.TIMESTAMP;
      case "INTERVAL": {
        const [startUnit, endUnit] = this.intervalQualifier();
        return {
          kind: startUnit === "YEAR" || startUnit === "MONTH" ? "INTERVAL_YEAR_MONTH" : "INTERVAL_DAY_TIME",
          startUnit,
          endUnit,
        };
      }
      default:
        throw compileError(`Unknown data type ${t.text}`, this.pos(t));
    }
  }

  private timeUnit(): TimeUnit {
    const t = this.tok;
    if (t.kind !== "ident" || !TIME_UNITS.has(t.text)) this.fail("a time unit");
    this.i++;
    return t.text as TimeUnit;
  }

  /** `unit [(p)] [TO unit [(p)]]`. */
  private intervalQualifier(): [TimeUnit, TimeUnit] {
    const start = this.timeUnit();
    if (this.acceptOp("(")) {
      this.intArg();
      if (this.acceptOp(",")) this.intArg();
      this.expectOp(")");
    }
    let end = start;
    if (this.acceptWord("TO")) {
      end = this.timeUnit();
      if (this.acceptOp("(")) {
        this.intArg();
        this.expectOp(")");
      }
    }
    return [start, end];
  }

  // ---- queries ----
  select(): A.SelectStmt {
    const pos = this.pos();
    this.expectWord("SELECT");
    // A bare SELECT (no STREAM) appears in some table-function pumps; be lenient.
    const stream = this.acceptWord("STREAM");
    let distinct = false;
    if (this.acceptWord("DISTINCT")) distinct = true;
    else this.acceptWord("ALL");
    const items: A.SelectItem[] = [];
    do items.push(this.selectItem());
    while (this.acceptOp(","));
    this.expectWord("FROM");
    const from = this.fromClause();
    const stmt: A.SelectStmt = { type: "select", stream, distinct, items, from, windows: [], pos };
    if (this.acceptWord("WHERE")) stmt.where = this.expr();
    if (this.isWord("GROUP")) {
      this.i++;
      this.expectWord("BY");
      stmt.groupBy = this.exprList();
    } else if (this.isWord("WINDOWED")) {
      const wpos = this.pos();
      this.i++;
      this.expectWord("BY");
      this.expectWord("STAGGER");
      this.expectOp("(");
      this.expectWord("PARTITION");
      this.expectWord("BY");
      const partitionBy = this.exprList();
      this.expectWord("RANGE");
      const range = this.expr();
      this.expectOp(")");
      stmt.stagger = { partitionBy, range, pos: wpos };
    }
    if (this.acceptWord("HAVING")) stmt.having = this.expr();
    if (this.acceptWord("WINDOW")) {
      do {
        const name = this.name("window name");
        this.expectWord("AS");
        this.expectOp("(");
        const spec = this.windowSpecBody(this.pos());
        this.expectOp(")");
        stmt.windows.push({ name, spec });
      } while (this.acceptOp(","));
    }
    if (this.isWord("ORDER")) {
      this.i++;
      this.expectWord("BY");
      stmt.orderBy = [];
      do {
        const expr = this.expr();
        const desc = this.acceptWord("DESC");
        if (!desc) this.acceptWord("ASC");
        stmt.orderBy.push({ expr, desc });
      } while (this.acceptOp(","));
    }
    return stmt;
  }

  private selectItem(): A.SelectItem {
    const pos = this.pos();
    if (this.isOp("*")) {
      this.i++;
      return { expr: { type: "star", pos }, pos };
    }
    // `s.*`
    if ((this.tok.kind === "ident" || this.tok.kind === "qident") && this.isOp(".", this.peek()) && this.isOp("*", this.peek(2))) {
      const qualifier = this.tok.text;
      this.i += 3;
      return { expr: { type: "star", qualifier, pos }, pos };
    }
    const expr = this.expr();
    const alias = this.optAlias();
    return { expr, pos, ...(alias !== undefined ? { alias } : {}) };
  }

  private optAlias(): string | undefined {
    if (this.acceptWord("AS")) return this.name("alias");
    if (this.tok.kind === "qident") return this.name();
    if (this.tok.kind === "ident" && !RESERVED.has(this.tok.text)) return this.name();
    return undefined;
  }

  private exprList(): A.Expr[] {
    const out: A.Expr[] = [];
    do out.push(this.expr());
    while (this.acceptOp(","));
    return out;
  }

  private fromClause(): A.FromItem {
    let left = this.fromPrimary();
    for (;;) {
      const pos = this.pos();
      let kind: A.JoinKind | undefined;
      if (this.acceptOp(",")) {
        const right = this.fromPrimary();
        left = { type: "join", kind: "CROSS", left, right, pos };
        continue;
      }
      if (this.acceptWord("JOIN")) kind = "INNER";
      else if (this.isWord("INNER")) {
        this.i++;
        this.expectWord("JOIN");
        kind = "INNER";
      } else if (this.isWord("CROSS")) {
        this.i++;
        this.expectWord("JOIN");
        kind = "CROSS";
      } else if (this.isWord("LEFT") || this.isWord("RIGHT") || this.isWord("FULL")) {
        kind = this.tok.text as A.JoinKind;
        this.i++;
        this.acceptWord("OUTER");
        this.expectWord("JOIN");
      }
      if (!kind) return left;
      const right = this.fromPrimary();
      let on: A.Expr | undefined;
      if (kind !== "CROSS") {
        this.expectWord("ON");
        on = this.expr();
      }
      left = { type: "join", kind, left, right, pos, ...(on ? { on } : {}) };
    }
  }

  private aliasWithColumns(): { alias?: string; columnAliases?: string[] } {
    const alias = this.optAlias();
    if (alias === undefined) return {};
    if (!this.isOp("(")) return { alias };
    this.i++;
    const columnAliases: string[] = [];
    do columnAliases.push(this.name("column alias"));
    while (this.acceptOp(","));
    this.expectOp(")");
    return { alias, columnAliases };
  }

  private fromPrimary(): A.FromItem {
    const pos = this.pos();
    if (this.isOp("(")) {
      this.i++;
      if (!this.isWord("SELECT")) {
        const inner = this.fromClause();
        this.expectOp(")");
        return inner;
      }
      const query = this.select();
      this.expectOp(")");
      return { type: "subquery", query, pos, ...this.aliasWithColumns() };
    }
    if (this.isWord("TABLE") && this.isOp("(", this.peek())) {
      this.i += 2;
      const fpos = this.pos();
      const name = this.name("table function name");
      this.expectOp("(");
      const args: A.TableFunctionArg[] = [];
      if (!this.isOp(")")) {
        do {
          if (this.isWord("CURSOR")) {
            const cpos = this.pos();
            this.i++;
            this.expectOp("(");
            const query = this.select();
            this.expectOp(")");
            args.push({ kind: "cursor", query, pos: cpos });
          } else args.push({ kind: "expr", expr: this.expr() });
        } while (this.acceptOp(","));
      }
      this.expectOp(")");
      this.expectOp(")");
      return { type: "tableFunction", name, args, pos: fpos, ...this.aliasWithColumns() };
    }
    const name = this.objectName("stream name");
    let window: A.WindowRef | undefined;
    if (this.acceptWord("OVER")) window = this.windowRef();
    const alias = this.optAlias();
    // Some programs write the window after the alias.
    if (!window && this.acceptWord("OVER")) window = this.windowRef();
    return { type: "stream", name, pos, ...(alias !== undefined ? { alias } : {}), ...(window ? { window } : {}) };
  }

  private windowRef(): A.WindowRef {
    const pos = this.pos();
    if (this.acceptOp("(")) {
      const spec = this.windowSpecBody(pos);
      this.expectOp(")");
      return { kind: "spec", spec };
    }
    return { kind: "name", name: this.name("window name"), pos };
  }

  private windowSpecBody(pos: SourcePos): A.WindowSpec {
    const spec: A.WindowSpec = { partitionBy: [], orderBy: [], pos };
    if ((this.tok.kind === "ident" || this.tok.kind === "qident") && !["PARTITION", "ORDER", "RANGE", "ROWS"].includes(this.tok.text)) {
      spec.baseName = this.name();
    }
    if (this.acceptWord("PARTITION")) {
      this.expectWord("BY");
      spec.partitionBy = this.exprList();
    }
    if (this.acceptWord("ORDER")) {
      this.expectWord("BY");
      spec.orderBy = this.exprList();
    }
    if (this.isWord("RANGE") || this.isWord("ROWS")) {
      const kind = this.tok.text as "RANGE" | "ROWS";
      this.i++;
      const between = this.acceptWord("BETWEEN");
      if (kind === "RANGE") {
        if (this.acceptWord("UNBOUNDED")) spec.frame = { kind, interval: "UNBOUNDED" };
        else spec.frame = { kind, interval: this.additive() };
      } else if (this.acceptWord("UNBOUNDED")) spec.frame = { kind, count: "UNBOUNDED" };
      else spec.frame = { kind, count: this.intArg() };
      this.expectWord("PRECEDING");
      if (between) {
        this.expectWord("AND");
        this.expectWord("CURRENT");
        this.expectWord("ROW");
      }
    }
    return spec;
  }

  // ---- expressions (lowest to highest precedence) ----
  expr(): A.Expr {
    return this.orExpr();
  }

  private orExpr(): A.Expr {
    let left = this.andExpr();
    while (this.isWord("OR")) {
      const pos = this.pos();
      this.i++;
      left = { type: "binary", op: "OR", left, right: this.andExpr(), pos };
    }
    return left;
  }

  private andExpr(): A.Expr {
    let left = this.notExpr();
    while (this.isWord("AND")) {
      const pos = this.pos();
      this.i++;
      left = { type: "binary", op: "AND", left, right: this.notExpr(), pos };
    }
    return left;
  }

  private notExpr(): A.Expr {
    if (this.isWord("NOT")) {
      const pos = this.pos();
      this.i++;
      return { type: "unary", op: "NOT", operand: this.notExpr(), pos };
    }
    return this.comparison();
  }

  private comparison(): A.Expr {
    let left = this.additive();
    for (;;) {
      const pos = this.pos();
      const t = this.tok;
      if (t.kind === "op" && ["=", "<>", "<", "<=", ">", ">="].includes(t.text)) {
        this.i++;
        left = { type: "binary", op: t.text as A.BinaryOp, left, right: this.additive(), pos };
        continue;
      }
      if (this.isWord("IS")) {
        this.i++;
        const not = this.acceptWord("NOT");
        const w = this.tok;
        if (w.kind !== "ident" || !["NULL", "TRUE", "FALSE", "UNKNOWN"].includes(w.text)) this.fail("NULL, TRUE, FALSE or UNKNOWN");
        this.i++;
        left = { type: "is", expr: left, what: w.text as A.IsExpr["what"], not, pos };
        continue;
      }
      let not = false;
      if (this.isWord("NOT") && ["BETWEEN", "IN", "LIKE", "SIMILAR"].includes(this.peek().text) && this.peek().kind === "ident") {
        this.i++;
        not = true;
      }
      if (this.acceptWord("BETWEEN")) {
        this.acceptWord("SYMMETRIC") || this.acceptWord("ASYMMETRIC");
        const low = this.additive();
        this.expectWord("AND");
        const high = this.additive();
        left = { type: "between", expr: left, low, high, not, pos };
        continue;
      }
      if (this.acceptWord("IN")) {
        this.expectOp("(");
        const list = this.exprList();
        this.expectOp(")");
        left = { type: "in", expr: left, list, not, pos };
        continue;
      }
      const similar = this.isWord("SIMILAR");
      if (this.acceptWord("LIKE") || (similar && (this.i++, this.expectWord("TO"), true))) {
        const pattern = this.additive();
        let escape: A.Expr | undefined;
        if (this.acceptWord("ESCAPE")) escape = this.additive();
        left = { type: "like", expr: left, pattern, not, similar, pos, ...(escape ? { escape } : {}) };
        continue;
      }
      if (not) this.fail("BETWEEN, IN, LIKE or SIMILAR TO");
      return left;
    }
  }

  private additive(): A.Expr {
    let left = this.multiplicative();
    for (;;) {
      const t = this.tok;
      if (t.kind === "op" && (t.text === "+" || t.text === "-" || t.text === "||")) {
        this.i++;
        left = { type: "binary", op: t.text, left, right: this.multiplicative(), pos: this.pos(t) };
      } else return left;
    }
  }

  private multiplicative(): A.Expr {
    let left = this.unary();
    for (;;) {
      const t = this.tok;
      if (t.kind === "op" && (t.text === "*" || t.text === "/" || t.text === "%")) {
        this.i++;
        left = { type: "binary", op: t.text, left, right: this.unary(), pos: this.pos(t) };
      } else return left;
    }
  }

  private unary(): A.Expr {
    const t = this.tok;
    if (t.kind === "op" && (t.text === "-" || t.text === "+")) {
      this.i++;
      const operand = this.unary();
      // Fold negative numeric literals so that -2147483648 stays an INTEGER.
      if (t.text === "-" && operand.type === "literal" && typeof operand.value === "number") {
        return { ...operand, value: -operand.value, pos: this.pos(t) };
      }
      if (t.text === "-" && operand.type === "literal" && typeof operand.value === "bigint") {
        return { ...operand, value: -operand.value, pos: this.pos(t) };
      }
      return { type: "unary", op: t.text, operand, pos: this.pos(t) };
    }
    return this.primary();
  }

  private primary(): A.Expr {
    const t = this.tok;
    const pos = this.pos(t);
    switch (t.kind) {
      case "number":
        this.i++;
        return numberLiteral(t.text, pos);
      case "string":
        this.i++;
        return { type: "literal", sqlType: { kind: "CHAR", precision: Math.max(1, t.text.length) }, value: t.text, pos };
      case "binary":
        this.i++;
        return { type: "literal", sqlType: { kind: "VARBINARY", precision: t.text.length / 2 }, value: Buffer.from(t.text, "hex"), pos };
      case "qident":
        return this.columnRef();
      case "op":
        if (t.text === "(") {
          this.i++;
          const inner = this.expr();
          this.expectOp(")");
          // `(ts1 - ts2) SECOND` reads a datetime difference as an interval.
          if (this.tok.kind === "ident" && TIME_UNITS.has(this.tok.text)) {
            const [, unit] = this.intervalQualifier();
            return { type: "intervalQualify", expr: inner, unit, pos };
          }
          return inner;
        }
        return this.fail("an expression");
      case "ident":
        return this.wordExpr(t, pos);
      case "eof":
        return this.fail("an expression");
    }
  }

  private wordExpr(t: Token, pos: SourcePos): A.Expr {
    switch (t.text) {
      case "NULL":
        this.i++;
        return { type: "literal", sqlType: T.NULL, value: null, pos };
      case "TRUE":
      case "FALSE":
        this.i++;
        return { type: "literal", sqlType: T.BOOLEAN, value: t.text === "TRUE", pos };
      case "UNKNOWN":
        this.i++;
        return { type: "literal", sqlType: T.BOOLEAN, value: null, pos };
      case "TIMESTAMP":
      case "DATE":
      case "TIME":
        if (this.peek().kind === "string") {
          this.i++;
          const s = this.tok;
          this.i++;
          const value = t.text === "TIMESTAMP" ? parseTimestamp(s.text) : t.text === "DATE" ? parseDate(s.text) : parseTime(s.text);
          if (value === null) throw compileError(`Invalid ${t.text} literal '${s.text}'`, this.pos(s));
          return { type: "literal", sqlType: t.text === "TIMESTAMP" ? T.TIMESTAMP : t.text === "DATE" ? T.DATE : T.TIME, value, pos };
        }
        break;
      case "INTERVAL":
        return this.intervalLiteral(pos);
      case "CASE":
        return this.caseExpr(pos);
      case "CAST": {
        this.i++;
        this.expectOp("(");
        const expr = this.expr();
        this.expectWord("AS");
        const target = this.dataType();
        this.expectOp(")");
        return { type: "cast", expr, target, pos };
      }
    }
    if (this.isOp("(", this.peek())) return this.call();
    if (NILADIC.has(t.text)) {
      this.i++;
      return { type: "call", name: t.text, args: [], pos };
    }
    return this.columnRef();
  }

  private intervalLiteral(pos: SourcePos): A.Expr {
    this.i++;
    let negative = false;
    if (this.acceptOp("-")) negative = true;
    else this.acceptOp("+");
    const s = this.tok;
    if (s.kind !== "string") this.fail("an interval string such as '1'");
    this.i++;
    const [startUnit, endUnit] = this.intervalQualifier();
    const value = parseIntervalText(s.text, startUnit, endUnit);
    if (value === null) throw compileError(`Invalid INTERVAL literal '${s.text}'`, this.pos(s));
    const yearMonth = startUnit === "YEAR" || startUnit === "MONTH";
    return {
      type: "literal",
      sqlType: { kind: yearMonth ? "INTERVAL_YEAR_MONTH" : "INTERVAL_DAY_TIME", startUnit, endUnit },
      value: negative ? -value : value,
      pos,
    };
  }

  private caseExpr(pos: SourcePos): A.Expr {
    this.i++;
    let operand: A.Expr | undefined;
    if (!this.isWord("WHEN")) operand = this.expr();
    const whens: { when: A.Expr; then: A.Expr }[] = [];
    while (this.acceptWord("WHEN")) {
      const when = this.expr();
      this.expectWord("THEN");
      whens.push({ when, then: this.expr() });
    }
    if (whens.length === 0) this.fail("WHEN");
    let elseExpr: A.Expr | undefined;
    if (this.acceptWord("ELSE")) elseExpr = this.expr();
    this.expectWord("END");
    return { type: "case", whens, pos, ...(operand ? { operand } : {}), ...(elseExpr ? { elseExpr } : {}) };
  }

  private columnRef(): A.Expr {
    const pos = this.pos();
    const parts = [this.name()];
    while (this.isOp(".") && (this.peek().kind === "ident" || this.peek().kind === "qident")) {
      this.i++;
      parts.push(this.name());
    }
    return { type: "column", parts, pos };
  }

  private call(): A.Expr {
    const nameTok = this.tok;
    const pos = this.pos(nameTok);
    const name = nameTok.text;
    this.i += 2; // name and '('
    const call: A.CallExpr = { type: "call", name, args: [], pos };
    switch (name) {
      case "EXTRACT":
        call.unit = this.timeUnit();
        this.expectWord("FROM");
        call.args.push(this.expr());
        break;
      case "POSITION":
        call.args.push(this.additive());
        this.expectWord("IN");
        call.args.push(this.expr());
        break;
      case "STEP":
        call.args.push(this.expr());
        this.expectWord("BY");
        call.args.push(this.expr());
        break;
      case "FLOOR":
      case "CEIL":
      case "CEILING":
        call.name = name === "CEILING" ? "CEIL" : name;
        call.args.push(this.expr());
        if (this.acceptWord("TO")) call.unit = this.timeUnit();
        break;
      case "SUBSTRING":
        call.args.push(this.expr());
        if (this.acceptWord("FROM")) {
          call.args.push(this.expr());
          if (this.acceptWord("FOR")) call.args.push(this.expr());
        } else
          while (this.acceptOp(",")) call.args.push(this.expr());
        break;
      case "OVERLAY":
        call.args.push(this.expr());
        this.expectWord("PLACING");
        call.args.push(this.expr());
        this.expectWord("FROM");
        call.args.push(this.expr());
        if (this.acceptWord("FOR")) call.args.push(this.expr());
        break;
      case "TRIM": {
        let keyword = "BOTH";
        if (this.isWord("BOTH") || this.isWord("LEADING") || this.isWord("TRAILING")) {
          keyword = this.tok.text;
          this.i++;
        }
        call.keyword = keyword;
        if (this.acceptWord("FROM")) call.args.push(this.expr());
        else {
          const first = this.expr();
          if (this.acceptWord("FROM")) call.args.push(this.expr(), first);
          else call.args.push(first);
        }
        break;
      }
      default:
        if (this.isOp("*")) {
          call.args.push({ type: "star", pos: this.pos() });
          this.i++;
          break;
        }
        if (this.acceptWord("DISTINCT")) call.distinct = true;
        else this.acceptWord("ALL");
        if (!this.isOp(")")) {
          do call.args.push(this.expr());
          while (this.acceptOp(","));
        }
    }
    this.expectOp(")");
    if (this.isWord("IGNORE") || this.isWord("RESPECT")) {
      call.ignoreNulls = this.tok.text === "IGNORE";
      this.i++;
      this.expectWord("NULLS");
    }
    if (this.acceptWord("OVER")) call.over = this.windowRef();
    return call;
  }
}

function numberLiteral(text: string, pos: SourcePos): A.LiteralExpr {
  if (/[eE]/.test(text)) return { type: "literal", sqlType: T.DOUBLE, value: Number(text), pos };
  if (text.includes(".")) {
    const [whole = "", frac = ""] = text.split(".");
    const scale = frac.length;
    const digits = (whole + frac).replace(/^0+(?=\d)/, "");
    return {
      type: "literal",
      sqlType: { kind: "DECIMAL", precision: Math.min(DECIMAL_PRECISION_MAX, Math.max(digits.length, scale, 1)), scale },
      value: BigInt(digits === "" ? "0" : digits),
      pos,
    };
  }
  const v = Number(text);
  if (v <= 2147483647) return { type: "literal", sqlType: T.INTEGER, value: v, pos };
  if (Number.isSafeInteger(v)) return { type: "literal", sqlType: T.BIGINT, value: v, pos };
  return { type: "literal", sqlType: { kind: "DECIMAL", precision: DECIMAL_PRECISION_MAX, scale: 0 }, value: BigInt(text), pos };
}

const DAY_TIME_ORDER: TimeUnit[] = ["DAY", "HOUR", "MINUTE", "SECOND"];
const UNIT_FACTOR_MS: Record<string, number> = { DAY: 86_400_000, HOUR: 3_600_000, MINUTE: 60_000, SECOND: 1000, MILLISECOND: 1 };

/**
 * Interval text under its qualifier: '2-3' YEAR TO MONTH → 27 months; '59:59.999' MINUTE TO SECOND →
 * 3,599,999 ms; '1 02:03' DAY TO MINUTE; a single unit may carry a fraction ('59.999' SECOND).
 */
export function parseIntervalText(text: string, start: TimeUnit, end: TimeUnit): number | null {
  const s = text.trim();
  const neg = s.startsWith("-");
  const body = neg || s.startsWith("+") ? s.slice(1) : s;
  let value: number;
  if (start === "YEAR" || start === "MONTH") {
    if (start === "YEAR" && end === "MONTH") {
      const m = /^(\d+)-(\d+)$/.exec(body);
      if (!m) return null;
      value = Number(m[1]) * 12 + Number(m[2]);
    } else {
      if (!/^\d+$/.test(body)) return null;
      value = Number(body) * (start === "YEAR" ? 12 : 1);
    }
  } else if (start === end) {
    if (!/^\d+(\.\d+)?$/.test(body)) return null;
    value = Math.round(Number(body) * (UNIT_FACTOR_MS[start] ?? 1));
  } else {
    const units = DAY_TIME_ORDER.slice(DAY_TIME_ORDER.indexOf(start), DAY_TIME_ORDER.indexOf(end) + 1);
    if (units.length === 0) return null;
    const pieces = body.split(/[ :]/);
    if (pieces.length !== units.length) return null;
    value = 0;
    for (let k = 0; k < units.length; k++) {
      const p = pieces[k] as string;
      const isLast = k === units.length - 1;
      if (!(isLast && units[k] === "SECOND" ? /^\d+(\.\d+)?$/ : /^\d+$/).test(p)) return null;
      value += Number(p) * (UNIT_FACTOR_MS[units[k] as string] ?? 1);
    }
    value = Math.round(value);
  }
  return neg ? -value : value;
}

export interface ColumnSpec {
  name: string;
  type: SqlType;
  /** SimpleDateFormat pattern of a DATE, TIME or TIMESTAMP column. */
  format?: string;
  /** FIXED_COLUMN_LOG_PARSE: 0-based start position and width. */
  start?: number;
  length?: number;
}

/** Parses log-parser column descriptions: `name [TYPE] type [NOT NULL] [START n [FOR m]], ...`. */
export function parseColumnList(text: string): ColumnSpec[] {
  const p = new Parser(tokenize(text));
  const out = p.columnList();
  p.expectEof();
  return out;
}
