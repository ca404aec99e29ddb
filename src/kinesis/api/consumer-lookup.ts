import type { RequestContext } from "../../server/service.js";
import { invalidArgument } from "../engine/errors.js";
import type { ConsumerMeta } from "../engine/model.js";
import type { StreamRuntime } from "../engine/stream-runtime.js";
import type { KinesisDeps } from "./kinesis-operation.js";

/** Describe and Deregister name a consumer by ConsumerARN, or by StreamARN plus ConsumerName. */
export function consumerOf(
  deps: KinesisDeps,
  ctx: RequestContext,
  input: { StreamARN?: string | undefined; ConsumerName?: string | undefined; ConsumerARN?: string | undefined },
): { stream: StreamRuntime; consumer: ConsumerMeta } {
  const control = deps.streams.control;
  if (input.ConsumerARN !== undefined) return control.consumerByArn(input.ConsumerARN);
  if (input.StreamARN === undefined || input.ConsumerName === undefined) {
    throw invalidArgument("Either ConsumerARN or both ConsumerName and StreamARN must be provided.");
  }
  const stream = control.streamByNameOrArn(ctx.account, ctx.region, undefined, input.StreamARN);
  return { stream, consumer: control.consumer(stream, input.ConsumerName, undefined) };
}
