import { LIST_STREAMS_RESULTS_DEFAULT, NEXT_TOKEN_AGE_MS_MAX } from "../../core/limits.js";
import { StreamsError, invalidArgument } from "../engine/errors.js";
import { kinesisOperation } from "./kinesis-operation.js";
import type { ListStreamsInput, ListStreamsOutput } from "./generated/types.js";
import { toWireStreamSummary } from "./wire-shapes.js";

interface ListStreamsToken {
  kind: "ListStreams";
  account: string;
  region: string;
  after: string;
  issuedMs: number;
}

export const ListStreams = kinesisOperation<ListStreamsInput>("ListStreams", (input, ctx, { streams }): ListStreamsOutput => {
  let after = input.ExclusiveStartStreamName;
  if (input.NextToken !== undefined) {
    const token = streams.control.tokens.open(input.NextToken) as ListStreamsToken | undefined;
    if (!token || token.kind !== "ListStreams" || token.account !== ctx.account || token.region !== ctx.region) {
      throw invalidArgument(`Invalid NextToken: ${input.NextToken}`);
    }
    if (streams.control.clock.now() - token.issuedMs > NEXT_TOKEN_AGE_MS_MAX) {
      throw new StreamsError("expired-next-token", "The timestamp in the NextToken has expired.");
    }
    after = token.after;
  }
  const all = streams.control.listStreams(ctx.account, ctx.region).filter((s) => after === undefined || s.meta.streamName > after);
  const limit = input.Limit ?? LIST_STREAMS_RESULTS_DEFAULT;
  const page = all.slice(0, limit);
  const output: ListStreamsOutput = {
    StreamNames: page.map((s) => s.meta.streamName),
    HasMoreStreams: all.length > limit,
    StreamSummaries: page.map((s) => toWireStreamSummary(s.meta)),
  };
  const last = page[page.length - 1];
  if (all.length > limit && last) {
    const token: ListStreamsToken = { kind: "ListStreams", account: ctx.account, region: ctx.region, after: last.meta.streamName, issuedMs: streams.control.clock.now() };
    output.NextToken = streams.control.tokens.seal(token);
  }
  return output;
});
