import { consumerOf } from "./consumer-lookup.js";
import { kinesisOperation } from "./kinesis-operation.js";
import type { DescribeStreamConsumerInput, DescribeStreamConsumerOutput } from "./generated/types.js";
import { toWireConsumerDescription } from "./wire-shapes.js";

export const DescribeStreamConsumer = kinesisOperation<DescribeStreamConsumerInput>(
  "DescribeStreamConsumer",
  (input, ctx, deps): DescribeStreamConsumerOutput => {
    const { stream, consumer } = consumerOf(deps, ctx, input);
    return { ConsumerDescription: toWireConsumerDescription(consumer, stream.meta) };
  },
);
