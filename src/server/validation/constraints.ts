/**
 * Phase two of input validation: the model's constraints (required, length, range, pattern, enum),
 * reported with AWS's exact wording and in AWS's order.
 *
 * Each shape compiles to two closures: `valid`, a fast yes/no walk that allocates nothing and runs on
 * every request, and `report`, which builds member paths and messages and only runs once `valid` has
 * said no. A shape without constraints compiles to `valid: null` and is not visited at all.
 */
import type { ListShape, MapShape, Shape, ShapeTable, StructureShape } from "./shape-table.js";
import { memberOrder } from "./deserialize.js";
import { compileJavaPattern } from "./java-regex.js";
import { VALIDATION_ERRORS_REPORTED_MAX } from "../../core/limits.js";

export interface Checker {
  /** Null when the shape has no constraints to check. */
  readonly valid: ((value: unknown) => boolean) | null;
  /** Appends AWS's messages for the violations in `value`, found at `path`. */
  readonly report: (value: unknown, path: string, errors: string[]) => void;
}

const NOT_NULL = "Member must not be null";

function push(errors: string[], value: string, path: string, constraint: string): void {
  if (errors.length < VALIDATION_ERRORS_REPORTED_MAX) {
    errors.push(`Value ${value} at '${path}' failed to satisfy constraint: ${constraint}`);
  }
}

export const lowerFirst = (name: string): string => name.charAt(0).toLowerCase() + name.slice(1);

/** The messages a scalar shape's constraints produce, in the order AWS checks them. */
interface ScalarRule {
  readonly test: (value: unknown) => boolean;
  readonly message: string;
}

/** How many characters, bytes, items or entries a value has, specialised per shape type (hot path). */
function lengthFunction(shape: Shape): (value: unknown) => number {
  switch (shape.type) {
    case "string":
      return (value) => (value as string).length;
    case "list":
      return (value) => (value as unknown[]).length;
    case "blob":
      return (value) => (value as Uint8Array).byteLength;
    default:
      return (value) => Object.keys(value as object).length;
  }
}

function enumValues(shape: Shape): readonly string[] | undefined {
  return shape.type === "string" ? (shape.enumMessageOrder ?? shape.enum) : undefined;
}

/**
 * The scalar rules of a shape, in AWS's order: pattern, then length (min, max), then value (min, max),
 * then enum. (AWS reports "Value '' ... pattern" before "Value '' ... length greater than or equal to 1".)
 */
function scalarRules(shape: Shape): ScalarRule[] {
  const rules: ScalarRule[] = [];
  const numeric = shape.type === "integer" || shape.type === "long" || shape.type === "double" || shape.type === "float";
  if (shape.type === "string" && shape.pattern !== undefined) {
    const regex = compileJavaPattern(shape.pattern);
    rules.push({
      test: (v) => regex.test(v as string),
      message: `Member must satisfy regular expression pattern: ${shape.pattern}`,
    });
  }
  const lengthOf = lengthFunction(shape);
  if (!numeric && "min" in shape && shape.min !== undefined) {
    const min = shape.min;
    rules.push({ test: (v) => lengthOf(v) >= min, message: `Member must have length greater than or equal to ${min}` });
  }
  if (!numeric && "max" in shape && shape.max !== undefined) {
    const max = shape.max;
    rules.push({ test: (v) => lengthOf(v) <= max, message: `Member must have length less than or equal to ${max}` });
  }
  if (numeric && shape.min !== undefined) {
    const min = shape.min;
    rules.push({ test: (v) => (v as number) >= min, message: `Member must have value greater than or equal to ${min}` });
  }
  if (numeric && shape.max !== undefined) {
    const max = shape.max;
    rules.push({ test: (v) => (v as number) <= max, message: `Member must have value less than or equal to ${max}` });
  }
  const values = enumValues(shape);
  if (values !== undefined && shape.type === "string" && shape.enum !== undefined) {
    const set = new Set<unknown>(shape.enum);
    rules.push({ test: (v) => set.has(v), message: `Member must satisfy enum value set: [${values.join(", ")}]` });
  }
  return rules;
}

/**
 * All of a shape's own rules as one closure without loops or indirection: the fast path that runs
 * for every member of every request. Null when the shape has no rules of its own.
 */
function combinedTest(shape: Shape): ((value: unknown) => boolean) | null {
  if (scalarRules(shape).length === 0) return null;
  const bounds = shape as { min?: number; max?: number };
  const min = bounds.min ?? -Infinity;
  const max = bounds.max ?? Infinity;
  switch (shape.type) {
    case "string": {
      const regex = shape.pattern === undefined ? null : compileJavaPattern(shape.pattern);
      const values = shape.enum === undefined ? null : new Set<unknown>(shape.enum);
      return (value) => {
        const text = value as string;
        return (
          text.length >= min &&
          text.length <= max &&
          (regex === null || regex.test(text)) &&
          (values === null || values.has(text))
        );
      };
    }
    case "blob":
      return (value) => (value as Uint8Array).byteLength >= min && (value as Uint8Array).byteLength <= max;
    case "list":
      return (value) => (value as unknown[]).length >= min && (value as unknown[]).length <= max;
    case "integer":
    case "long":
    case "double":
    case "float":
      return (value) => (value as number) >= min && (value as number) <= max;
    default: {
      const rules = scalarRules(shape);
      return (value) => rules.every((rule) => rule.test(value));
    }
  }
}

/**
 * A list's or map's simple members are checked as a whole, and AWS names every constraint of the
 * member: "Member must satisfy constraint: [Member must have length less than or equal to 128, Member
 * must have length greater than or equal to 1]" (maximum before minimum, as AWS prints them).
 */
function compositeDescription(shape: Shape): string {
  const parts: string[] = [];
  const numeric = shape.type === "integer" || shape.type === "long" || shape.type === "double" || shape.type === "float";
  const bounds = "min" in shape || "max" in shape ? (shape as { min?: number; max?: number }) : {};
  const unit = numeric ? "value" : "length";
  if (bounds.max !== undefined) parts.push(`Member must have ${unit} less than or equal to ${bounds.max}`);
  if (bounds.min !== undefined) parts.push(`Member must have ${unit} greater than or equal to ${bounds.min}`);
  if (shape.type === "string" && shape.pattern !== undefined) {
    parts.push(`Member must satisfy regular expression pattern: ${shape.pattern}`);
  }
  const values = enumValues(shape);
  if (values !== undefined) parts.push(`Member must satisfy enum value set: [${values.join(", ")}]`);
  return `[${parts.join(", ")}]`;
}

/** How AWS prints a value of a shape in a message: quoted, Java-style; `null` bare. */
export function createValueFormatter(table: ShapeTable): (value: unknown, shape: Shape) => string {
  const javaPackage = `com.amazonaws.${table.metadata.endpointPrefix}.v${table.metadata.apiVersion.replaceAll("-", "")}`;
  const plain = (value: unknown, shape: Shape | undefined, shapeName: string): string => {
    if (value === null || value === undefined) return "null";
    if (shape?.type === "structure") return `${javaPackage}.${shapeName}@${javaIdentityHash(shapeName)}`;
    if (value instanceof Uint8Array) return `java.nio.HeapByteBuffer[pos=0 lim=${value.byteLength} cap=${value.byteLength}]`;
    if (value instanceof Date) return value.toISOString();
    if (shape?.type === "list" && Array.isArray(value)) {
      const itemShape = table.shapes[shape.member];
      return `[${value.map((item) => plain(item, itemShape, shape.member)).join(", ")}]`;
    }
    if (shape?.type === "map" && typeof value === "object") {
      const valueShape = table.shapes[shape.value];
      const entries = Object.entries(value as Record<string, unknown>);
      return `{${entries.map(([k, v]) => `${k}=${plain(v, valueShape, shape.value)}`).join(", ")}}`;
    }
    return String(value);
  };
  return (value, shape) => {
    if (value === null || value === undefined) return "null";
    const name = shape.type === "list" ? shape.member : "";
    return `'${plain(value, shape, name)}'`;
  };
}

/**
 * AWS prints structures inside lists with Java's default toString (class@identity hash). The hash is
 * an address in AWS; ours is a stable function of the shape name.
 */
function javaIdentityHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash.toString(16);
}

const ALWAYS_VALID: Checker = { valid: null, report: () => {} };

/** Compiles checkers for a table's shapes, one per shape. */
export function createCheckerCompiler(table: ShapeTable): (shapeName: string) => Checker {
  const compiled = new Map<string, Checker>();
  const format = createValueFormatter(table);

  const shapeOf = (name: string): Shape => {
    const shape = table.shapes[name];
    if (shape === undefined) throw new Error(`shape table has no shape ${name}`);
    return shape;
  };

  const checkerFor = (shapeName: string): Checker => {
    const existing = compiled.get(shapeName);
    if (existing !== undefined) return existing;
    // Recursive shapes would need a forwarder; constraint checking treats a shape seen again while it
    // is being compiled as unconstrained, which only loses checks in recursive models (none today).
    compiled.set(shapeName, ALWAYS_VALID);
    const checker = build(shapeOf(shapeName));
    compiled.set(shapeName, checker);
    return checker;
  };

  const scalar = (shape: Shape): Checker => {
    const rules = scalarRules(shape);
    const test = combinedTest(shape);
    if (test === null) return ALWAYS_VALID;
    return {
      valid: test,
      report: (value, path, errors) => {
        for (const rule of rules) if (!rule.test(value)) push(errors, format(value, shape), path, rule.message);
      },
    };
  };

  /** The rules a simple member of a list or map is held to, as one yes/no test. */
  const simpleMemberTest = (memberShape: Shape): ((value: unknown) => boolean) | null => {
    if (memberShape.type === "structure" || memberShape.type === "list" || memberShape.type === "map") return null;
    return combinedTest(memberShape);
  };

  const list = (shape: ListShape): Checker => {
    const own = scalarRules(shape);
    const memberShape = shapeOf(shape.member);
    const nested = memberShape.type === "structure" || memberShape.type === "list" || memberShape.type === "map";
    const member = nested ? checkerFor(shape.member) : ALWAYS_VALID;
    const memberTest = simpleMemberTest(memberShape);
    const composite = memberTest === null ? "" : `Member must satisfy constraint: ${compositeDescription(memberShape)}`;
    const memberValid = member.valid;
    const ownTest = combinedTest(shape);
    return {
      valid: (value) => {
        const items = value as unknown[];
        if (ownTest !== null && !ownTest(items)) return false;
        for (let i = 0; i < items.length; i++) {
          const item = items[i];
          if (item === null) return false;
          if (memberValid !== null && !memberValid(item)) return false;
          if (memberTest !== null && !memberTest(item)) return false;
        }
        return true;
      },
      report: (value, path, errors) => {
        const items = value as unknown[];
        for (const rule of own) if (!rule.test(items)) push(errors, format(items, shape), path, rule.message);
        if (memberTest !== null && items.some((item) => item !== null && !memberTest(item))) {
          push(errors, format(items, shape), path, composite);
        }
        items.forEach((item, i) => {
          const itemPath = `${path}.${i + 1}.member`;
          if (item === null) push(errors, "null", itemPath, NOT_NULL);
          else if (member.valid !== null && !member.valid(item)) member.report(item, itemPath, errors);
        });
      },
    };
  };

  const map = (shape: MapShape): Checker => {
    const own = scalarRules(shape);
    const keyTest = simpleMemberTest(shapeOf(shape.key));
    const valueShape = shapeOf(shape.value);
    const valueTest = simpleMemberTest(valueShape);
    const nested = valueShape.type === "structure" || valueShape.type === "list" || valueShape.type === "map";
    const member = nested ? checkerFor(shape.value) : ALWAYS_VALID;
    const keysMessage = `Map keys must satisfy constraint: ${compositeDescription(shapeOf(shape.key))}`;
    const valuesMessage = `Map value must satisfy constraint: ${compositeDescription(valueShape)}`;
    const entryValid = (key: string, item: unknown): boolean =>
      (keyTest === null || keyTest(key)) &&
      (valueTest === null || valueTest(item)) &&
      (member.valid === null || member.valid(item));
    return {
      valid: (value) => {
        for (let i = 0; i < own.length; i++) if (!(own[i] as ScalarRule).test(value)) return false;
        if (keyTest === null && valueTest === null && member.valid === null) return true;
        const entries = value as Record<string, unknown>;
        for (const key in entries) if (!entryValid(key, entries[key])) return false;
        return true;
      },
      report: (value, path, errors) => {
        const entries = value as Record<string, unknown>;
        for (const rule of own) if (!rule.test(entries)) push(errors, format(entries, shape), path, rule.message);
        const keys = Object.keys(entries);
        if (keyTest !== null && keys.some((key) => !keyTest(key))) push(errors, format(entries, shape), path, keysMessage);
        if (valueTest !== null && keys.some((key) => !valueTest(entries[key]))) {
          push(errors, format(entries, shape), path, valuesMessage);
        }
        if (member.valid !== null) {
          for (const key of keys) {
            const item = entries[key];
            if (!member.valid(item)) member.report(item, `${path}.${key}.member`, errors);
          }
        }
      },
    };
  };

  const structure = (shape: StructureShape): Checker => {
    const required = new Set(shape.required ?? []);
    const fields = memberOrder(shape).map((name) => ({
      name,
      path: lowerFirst(name),
      required: required.has(name),
      checker: checkerFor(shape.members[name] as string),
    }));
    const checked = fields.filter((f) => f.required || f.checker.valid !== null);
    if (checked.length === 0) return ALWAYS_VALID;
    // Parallel arrays keep the per-request loop free of property lookups on field records.
    const names = checked.map((f) => f.name);
    const requireds = checked.map((f) => f.required);
    const tests = checked.map((f) => f.checker.valid);
    const count = checked.length;
    return {
      valid: (value) => {
        const object = value as Record<string, unknown>;
        for (let i = 0; i < count; i++) {
          const item = object[names[i] as string];
          if (item === undefined) {
            if (requireds[i] === true) return false;
            continue;
          }
          const test = tests[i];
          if (test !== null && test !== undefined && !test(item)) return false;
        }
        return true;
      },
      report: (value, path, errors) => {
        const object = value as Record<string, unknown>;
        for (const field of checked) {
          const item = object[field.name];
          const fieldPath = path === "" ? field.path : `${path}.${field.path}`;
          if (item === undefined) {
            if (field.required) push(errors, "null", fieldPath, NOT_NULL);
          } else if (field.checker.valid !== null && !field.checker.valid(item)) {
            field.checker.report(item, fieldPath, errors);
          }
        }
      },
    };
  };

  const build = (shape: Shape): Checker => {
    switch (shape.type) {
      case "structure":
        return structure(shape);
      case "list":
        return list(shape);
      case "map":
        return map(shape);
      default:
        return scalar(shape);
    }
  };

  return checkerFor;
}
