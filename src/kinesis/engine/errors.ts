/**
 * Domain errors of the streams engine. Their messages are already AWS's wording (clients read them);
 * the services layer maps each kind to the AWS exception type in one place (kinesis/api/map-error.ts).
 */
export type StreamsErrorKind =
  | "not-found"
  | "in-use"
  | "invalid-argument"
  | "limit-exceeded"
  | "throughput-exceeded"
  | "expired-iterator"
  | "expired-next-token"
  | "validation"
  | "access-denied"
  | "kms-not-found"
  | "kms-disabled"
  | "kms-invalid-state"
  | "kms-access-denied"
  | "internal";

export class StreamsError extends Error {
  override name = "StreamsError";
  constructor(
    readonly kind: StreamsErrorKind,
    message: string,
  ) {
    super(message);
  }
}

export const notFound = (message: string) => new StreamsError("not-found", message);
export const inUse = (message: string) => new StreamsError("in-use", message);
export const invalidArgument = (message: string) => new StreamsError("invalid-argument", message);
export const limitExceeded = (message: string) => new StreamsError("limit-exceeded", message);
export const validation = (message: string) => new StreamsError("validation", message);
