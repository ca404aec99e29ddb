import { invalidArgument } from "../engine/errors.js";
import { kinesisOperation, streamOf } from "./kinesis-operation.js";
import type { GetShardIteratorInput, GetShardIteratorOutput } from "./generated/types.js";
import type { StartingPosition } from "../engine/model.js";

/** Checks that the iterator type and its argument go together, with AWS's messages. */
export function startingPositionOf(
  type: StartingPosition["type"],
  sequenceNumber: string | undefined,
  timestamp: Date | undefined,
  /** The engine's current time (its clock, which tests may drive). */
  nowMs: number,
): StartingPosition {
  const needsSequence = type === "AT_SEQUENCE_NUMBER" || type === "AFTER_SEQUENCE_NUMBER";
  if (sequenceNumber !== undefined && !needsSequence) {
    throw invalidArgument(
      "Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. " +
        `Request specified ${type} and also a StartingSequenceNumber.`,
    );
  }
  if (needsSequence && sequenceNumber === undefined) {
    throw invalidArgument(
      "Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. " +
        `Request specified ${type} and no StartingSequenceNumber.`,
    );
  }
  if (type === "AT_TIMESTAMP") {
    if (timestamp === undefined) {
      throw invalidArgument("Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter.");
    }
    if (timestamp.getTime() > nowMs) {
      throw invalidArgument(
        `The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. timestampInMillis: ${timestamp.getTime()}, currentTimestampInMillis: ${nowMs}`,
      );
    }
    return { type, timestampMs: timestamp.getTime() };
  }
  return { type, sequenceNumber };
}

export const GetShardIterator = kinesisOperation<GetShardIteratorInput>("GetShardIterator", async (input, ctx, deps): Promise<GetShardIteratorOutput> => {
  const stream = streamOf(deps, ctx, input);
  const position = startingPositionOf(input.ShardIteratorType, input.StartingSequenceNumber, input.Timestamp, deps.streams.control.clock.now());
  return { ShardIterator: await deps.streams.records.getShardIterator(stream, input.ShardId, position) };
});
