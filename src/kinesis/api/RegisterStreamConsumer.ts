import { kinesisOperation, streamOf } from "./kinesis-operation.js";
import type { RegisterStreamConsumerInput, RegisterStreamConsumerOutput } from "./generated/types.js";
import { toWireConsumer } from "./wire-shapes.js";

export const RegisterStreamConsumer = kinesisOperation<RegisterStreamConsumerInput>(
  "RegisterStreamConsumer",
  async (input, ctx, deps): Promise<RegisterStreamConsumerOutput> => {
    const stream = streamOf(deps, ctx, input);
    const consumer = await deps.streams.control.registerConsumer(stream, input.ConsumerName, input.Tags ?? {});
    // AWS answers with the consumer as it was registered: CREATING (unless registration is instant).
    return { Consumer: toWireConsumer(consumer) };
  },
);
