/**
 * The data table that `scripts/generate-models.ts` writes per service (`src/<service>/api/generated/
 * shapes.ts`) from an AWS botocore model: the shapes that operation inputs reach, with the constraints
 * the validator enforces, the operations, and the service metadata. It is plain data so that the
 * validator can be compiled from it once at start-up.
 */

/** min/max are lengths for strings, blobs, lists and maps, and values for numbers (as in the model). */
interface Bounds {
  readonly min?: number;
  readonly max?: number;
}

export interface StructureShape {
  readonly type: "structure";
  /** Member name -> shape name, in model order. */
  readonly members: Readonly<Record<string, string>>;
  readonly required?: readonly string[];
  /**
   * The order in which AWS checks (and reports) the members, where it is known to differ from model
   * order; members missing from the list follow in model order. See src/server/validation/aws-order.ts.
   */
  readonly validationOrder?: readonly string[];
}

export interface ListShape extends Bounds {
  readonly type: "list";
  readonly member: string;
}

export interface MapShape extends Bounds {
  readonly type: "map";
  readonly key: string;
  readonly value: string;
}

export interface StringShape extends Bounds {
  readonly type: "string";
  /** A Java regular expression that must match the whole value. */
  readonly pattern?: string;
  readonly enum?: readonly string[];
  /** The enum values in the order AWS prints them in messages, where known to differ from model order. */
  readonly enumMessageOrder?: readonly string[];
}

export interface NumberShape extends Bounds {
  readonly type: "integer" | "long" | "double" | "float";
}

export interface BlobShape extends Bounds {
  readonly type: "blob";
}

export interface PlainShape {
  readonly type: "boolean" | "timestamp";
}

export type Shape = StructureShape | ListShape | MapShape | StringShape | NumberShape | BlobShape | PlainShape;

export interface OperationEntry {
  readonly input: string | null;
  readonly output: string | null;
  readonly errors: readonly string[];
}

export interface ServiceMetadata {
  readonly apiVersion: string;
  readonly endpointPrefix: string;
  readonly serviceId: string;
  readonly protocol: string;
  readonly jsonVersion: string;
  readonly targetPrefix: string;
  readonly signingName: string;
}

export interface ShapeTable {
  readonly metadata: ServiceMetadata;
  readonly operations: Readonly<Record<string, OperationEntry>>;
  readonly shapes: Readonly<Record<string, Shape>>;
}
