import { defineOperation } from "../../server/validation/define-operation.js";
import type { Operation, RequestContext } from "../../server/service.js";
import type { Streams } from "../engine/mod.js";
import type { StreamRuntime } from "../engine/stream-runtime.js";
import { kinesisShapes } from "./generated/shapes.js";
import { toAwsError } from "./map-error.js";
import { KinesisAuthorizer, type OperationAuthorizer } from "../../security/kinesis-authorizer.js";
import type { FaultInjector } from "../admin/fault-injector.js";
import { injectedThrottle } from "../admin/injected-errors.js";

/** What every Kinesis operation may use. */
export interface KinesisDeps {
  streams: Streams;
  /** Decides whether the caller may perform an operation (src/security); defaults to auth-off rules. */
  authorizer?: OperationAuthorizer | undefined;
  /** Fault injection for client testing (admin/); none when absent. */
  faults?: FaultInjector | undefined;
}

export type KinesisOperationFactory = (deps: KinesisDeps) => Operation;

/**
 * Defines a Kinesis operation: input validated against the model, then `impl`; engine errors are
 * mapped to AWS exceptions on the way out.
 */
export function kinesisOperation<I>(name: string, impl: (input: I, ctx: RequestContext, deps: KinesisDeps) => unknown): KinesisOperationFactory {
  return (deps) => {
    // Without a configured authorizer the auth-off rules still apply: accounts and regions stay isolated.
    const authorizer = deps.authorizer ?? new KinesisAuthorizer({ engine: deps.streams.control });
    return defineOperation<I>(kinesisShapes, name, async (input, ctx) => {
      try {
        authorizer.authorize(name, input, ctx);
        // Injected faults (admin/), then AWS's call rates (--limits aws); both do nothing when off.
        const fault = deps.faults?.beforeCall(name, () => injectedThrottle(name, input, ctx, deps.streams));
        if (fault) await fault;
        deps.streams.control.guards.admitCall(name, ctx.account, ctx.region, input);
        return await impl(input, ctx, deps);
      } catch (error) {
        throw toAwsError(error);
      }
    });
  };
}

/** The stream named by StreamName or StreamARN in the caller's account and region. */
export function streamOf(deps: KinesisDeps, ctx: RequestContext, input: { StreamName?: string | undefined; StreamARN?: string | undefined }): StreamRuntime {
  return deps.streams.control.streamByNameOrArn(ctx.account, ctx.region, input.StreamName, input.StreamARN);
}
