import { AwsError, internalFailure } from "../../core/errors.js";
import { StorageError } from "../../storage/types.js";
import { StreamsError, type StreamsErrorKind } from "../engine/errors.js";

/** The one place where the engine's error kinds become AWS exception types. */
const AWS_TYPE: Record<StreamsErrorKind, string> = {
  "not-found": "ResourceNotFoundException",
  "in-use": "ResourceInUseException",
  "invalid-argument": "InvalidArgumentException",
  "limit-exceeded": "LimitExceededException",
  "throughput-exceeded": "ProvisionedThroughputExceededException",
  "expired-iterator": "ExpiredIteratorException",
  "expired-next-token": "ExpiredNextTokenException",
  validation: "ValidationException",
  "access-denied": "AccessDeniedException",
  "kms-not-found": "KMSNotFoundException",
  "kms-disabled": "KMSDisabledException",
  "kms-invalid-state": "KMSInvalidStateException",
  "kms-access-denied": "KMSAccessDeniedException",
  internal: "InternalFailureException",
};

export function toAwsError(error: unknown): unknown {
  if (error instanceof StreamsError) {
    const type = AWS_TYPE[error.kind];
    return new AwsError(type, error.message, error.kind === "internal" ? 500 : 400);
  }
  // Storage faults (disk full, I/O errors) fail the request; the server stays up and retries work later.
  if (error instanceof StorageError) return internalFailure();
  return error;
}

/** The AWS exception type for an engine error kind (event-stream exceptions name it in a header). */
export function awsTypeOf(kind: StreamsErrorKind): string {
  return AWS_TYPE[kind];
}
