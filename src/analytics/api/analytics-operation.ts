import type { Clock } from "../../core/clock.js";
import { AwsError } from "../../core/errors.js";
import type { Streams } from "../../kinesis/engine/mod.js";
import { StreamsError } from "../../kinesis/engine/errors.js";
import type { Operation, RequestContext } from "../../server/service.js";
import { defineOperation } from "../../server/validation/define-operation.js";
import type { Applications } from "./applications.js";
import { invalidArgument, resourceInUse, resourceNotFound } from "./errors.js";
import { analyticsShapes } from "./generated/shapes.js";

/** What every Kinesis Analytics operation may use. */
export interface AnalyticsDeps {
  applications: Applications;
  streams: Streams;
  clock: Clock;
  /** Root of local reference data and S3 stand-in objects. */
  dataDir: string;
}

export type AnalyticsOperationFactory = (deps: AnalyticsDeps) => Operation;

/** Streams-engine errors met while serving an Analytics call (DiscoverInputSchema's reads) keep their kind. */
function toAwsError(error: unknown): unknown {
  if (error instanceof AwsError || !(error instanceof StreamsError)) return error;
  if (error.kind === "not-found") return resourceNotFound(error.message);
  if (error.kind === "in-use") return resourceInUse(error.message);
  if (error.kind === "invalid-argument" || error.kind === "validation") return invalidArgument(error.message);
  return error;
}

/** Defines an Analytics operation: input validated against the 2015-08-14 model, then `impl`. */
export function analyticsOperation<I>(name: string, impl: (input: I, ctx: RequestContext, deps: AnalyticsDeps) => unknown): AnalyticsOperationFactory {
  return (deps) =>
    defineOperation<I>(analyticsShapes, name, async (input, ctx) => {
      try {
        return await impl(input, ctx, deps);
      } catch (error) {
        throw toAwsError(error);
      }
    });
}
