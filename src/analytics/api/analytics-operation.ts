import type { Clock } from "../../core/clock.js";
import { AwsError } from "../../core/errors.js";
import type { Streams } from "../../kinesis/engine/mod.js";
import { StreamsError } from "../../kinesis/engine/errors.js";
import type { Operation, RequestContext } from "../../server/service.js";
import { defineOperation } from "../../server/validation/define-operation.js";
import type { ServiceAuthorizer } from "../../security/identity-authorizer.js";
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
  /** Identity-policy checks with `--auth sigv4` (src/security); everything is allowed without it. */
  authorizer?: ServiceAuthorizer | undefined;
}

/** The IAM resource an Analytics operation acts on: its application, the ARN it names, or `*`. */
function resourceOf(input: unknown, ctx: RequestContext): string {
  const fields = (input ?? {}) as { ApplicationName?: unknown; ResourceARN?: unknown };
  if (typeof fields.ResourceARN === "string") return fields.ResourceARN;
  if (typeof fields.ApplicationName === "string") return `arn:aws:kinesisanalytics:${ctx.region}:${ctx.account}:application/${fields.ApplicationName}`;
  return "*";
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
        deps.authorizer?.authorize(`kinesisanalytics:${name}`, resourceOf(input, ctx), ctx);
        return await impl(input, ctx, deps);
      } catch (error) {
        throw toAwsError(error);
      }
    });
}
