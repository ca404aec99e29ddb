/**
 * AWS's throttling messages. The data-plane wording is the documented PutRecords example; the stream
 * wording is what AWS sends for control-plane throttles (clients such as Terraform match on
 * "Rate exceeded for stream"); the account and consumer forms are ours, in the same style.
 */
export function shardRateExceeded(shardId: string, streamName: string, account: string): string {
  return `Rate exceeded for shard ${shardId} in stream ${streamName} under account ${account}.`;
}

export function streamRateExceeded(streamName: string, account: string): string {
  return `Rate exceeded for stream ${streamName} under account ${account}.`;
}

export function accountRateExceeded(account: string): string {
  return `Rate exceeded for account ${account}.`;
}

export function consumerRateExceeded(consumerArn: string, shardId: string): string {
  return `Rate exceeded for consumer ${consumerArn} and shard ${shardId}.`;
}
