/**
 * The Kinesis Analytics (v1) exceptions a client sees, with the model's type names. Every one is a 400
 * except ServiceUnavailableException (the model's only fault besides InternalFailure).
 */
import { AwsError } from "../../core/errors.js";

const error = (type: string, statusCode = 400) => (message: string) => new AwsError(type, message, statusCode);

export const resourceNotFound = error("ResourceNotFoundException");
export const resourceInUse = error("ResourceInUseException");
export const invalidArgument = error("InvalidArgumentException");
export const concurrentModification = error("ConcurrentModificationException");
export const codeValidation = error("CodeValidationException");
export const invalidApplicationConfiguration = error("InvalidApplicationConfigurationException");
export const limitExceeded = error("LimitExceededException");
export const tooManyTags = error("TooManyTagsException");
export const unableToDetectSchema = error("UnableToDetectSchemaException");
export const unsupportedOperation = error("UnsupportedOperationException");
export const serviceUnavailable = error("ServiceUnavailableException", 503);
