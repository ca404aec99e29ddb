import { consumerOf } from "./consumer-lookup.js";
import { kinesisOperation } from "./kinesis-operation.js";
import type { DeregisterStreamConsumerInput } from "./generated/types.js";

export const DeregisterStreamConsumer = kinesisOperation<DeregisterStreamConsumerInput>("DeregisterStreamConsumer", async (input, ctx, deps) => {
  const { stream, consumer } = consumerOf(deps, ctx, input);
  await deps.streams.control.deregisterConsumer(stream, consumer);
  return undefined;
});
