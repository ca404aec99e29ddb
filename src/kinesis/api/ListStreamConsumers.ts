import { NEXT_TOKEN_AGE_MS_MAX } from "../../core/limits.js";
import { StreamsError, invalidArgument, notFound } from "../engine/errors.js";
import { kinesisOperation } from "./kinesis-operation.js";
import type { ListStreamConsumersInput, ListStreamConsumersOutput } from "./generated/types.js";
import { toWireConsumer } from "./wire-shapes.js";

/** AWS's default page size for ListStreamConsumers. */
const LIST_CONSUMERS_DEFAULT = 100;

interface ListConsumersToken {
  kind: "ListStreamConsumers";
  streamArn: string;
  streamCreatedMs: number;
  after: number;
  issuedMs: number;
}

export const ListStreamConsumers = kinesisOperation<ListStreamConsumersInput>(
  "ListStreamConsumers",
  (input, ctx, { streams }): ListStreamConsumersOutput => {
    const control = streams.control;
    const stream = control.streamByNameOrArn(ctx.account, ctx.region, undefined, input.StreamARN);
    if (input.StreamCreationTimestamp !== undefined && Math.floor(input.StreamCreationTimestamp.getTime() / 1000) !== Math.floor(stream.meta.createdMs / 1000)) {
      throw notFound(`Stream ${stream.meta.streamName} under account ${stream.meta.account} not found.`);
    }
    let start = 0;
    if (input.NextToken !== undefined) {
      const token = control.tokens.open(input.NextToken) as ListConsumersToken | undefined;
      if (!token || token.kind !== "ListStreamConsumers" || token.streamArn !== input.StreamARN || token.streamCreatedMs !== stream.meta.createdMs) {
        throw invalidArgument(`Invalid NextToken: ${input.NextToken}`);
      }
      if (control.clock.now() - token.issuedMs > NEXT_TOKEN_AGE_MS_MAX) {
        throw new StreamsError("expired-next-token", "The timestamp in the NextToken has expired.");
      }
      start = token.after;
    }
    const consumers = [...stream.meta.consumers].sort((a, b) => a.createdMs - b.createdMs || (a.consumerName < b.consumerName ? -1 : 1));
    const limit = input.MaxResults ?? LIST_CONSUMERS_DEFAULT;
    const page = consumers.slice(start, start + limit);
    const output: ListStreamConsumersOutput = { Consumers: page.map(toWireConsumer) };
    if (start + limit < consumers.length) {
      const token: ListConsumersToken = { kind: "ListStreamConsumers", streamArn: input.StreamARN, streamCreatedMs: stream.meta.createdMs, after: start + limit, issuedMs: control.clock.now() };
      output.NextToken = control.tokens.seal(token);
    }
    return output;
  },
);
