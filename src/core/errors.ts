/**
 * Errors a client sees. Every error that crosses the wire is an AwsError carrying AWS's type name,
 * message and HTTP status; anything else is turned into InternalFailure by the server and logged.
 */
export class AwsError extends Error {
  constructor(
    /** The `__type` AWS puts on the wire, e.g. `ResourceNotFoundException`. */
    readonly type: string,
    message: string,
    readonly statusCode: number = 400,
  ) {
    super(message);
    this.name = type;
  }
}

const error = (type: string, statusCode = 400) => (message: string) => new AwsError(type, message, statusCode);

// Modelled Kinesis exceptions (all 400 but InternalFailureException, the model's only fault).
export const resourceNotFound = error("ResourceNotFoundException");
export const resourceInUse = error("ResourceInUseException");
export const invalidArgument = error("InvalidArgumentException");
export const limitExceeded = error("LimitExceededException");
export const provisionedThroughputExceeded = error("ProvisionedThroughputExceededException");
export const expiredIterator = error("ExpiredIteratorException");
export const expiredNextToken = error("ExpiredNextTokenException");
export const accessDenied = error("AccessDeniedException");
export const validationException = error("ValidationException");
export const internalFailure = (message = "Internal service failure.") =>
  new AwsError("InternalFailureException", message, 500);

// Protocol-level errors, raised before an operation runs.
export const serializationException = error("SerializationException");
export const unknownOperation = error("UnknownOperationException");
export const missingAuthenticationToken = error("MissingAuthenticationTokenException");
export const incompleteSignature = error("IncompleteSignatureException");
export const invalidSignature = error("InvalidSignatureException");
export const unrecognizedClient = error("UnrecognizedClientException");
export const requestEntityTooLarge = error("RequestEntityTooLargeException", 413);
export const serviceUnavailable = error("ServiceUnavailableException", 503);

export function isAwsError(value: unknown): value is AwsError {
  return value instanceof AwsError;
}
