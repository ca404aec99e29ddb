/** Amazon Resource Names for the resources Tributary serves. */
export interface StreamRef {
  account: string;
  region: string;
  streamName: string;
}

export function streamArn(ref: StreamRef): string {
  return `arn:aws:kinesis:${ref.region}:${ref.account}:stream/${ref.streamName}`;
}

export function consumerArn(ref: StreamRef, consumerName: string, creationEpochSeconds: number): string {
  return `${streamArn(ref)}/consumer/${consumerName}:${creationEpochSeconds}`;
}

const STREAM_ARN = /^arn:aws[a-z-]*:kinesis:([a-z0-9-]+):(\d{12}):stream\/([a-zA-Z0-9_.-]+)$/;
const CONSUMER_ARN = /^arn:aws[a-z-]*:kinesis:([a-z0-9-]+):(\d{12}):stream\/([a-zA-Z0-9_.-]+)\/consumer\/([a-zA-Z0-9_.-]+):(\d+)$/;

export function parseStreamArn(arn: string): StreamRef | undefined {
  const m = STREAM_ARN.exec(arn);
  if (!m) return undefined;
  return { region: m[1]!, account: m[2]!, streamName: m[3]! };
}

export interface ConsumerRef extends StreamRef {
  consumerName: string;
  creationEpochSeconds: number;
}

export function parseConsumerArn(arn: string): ConsumerRef | undefined {
  const m = CONSUMER_ARN.exec(arn);
  if (!m) return undefined;
  return {
    region: m[1]!,
    account: m[2]!,
    streamName: m[3]!,
    consumerName: m[4]!,
    creationEpochSeconds: Number(m[5]),
  };
}
