/**
 * Every bound Tributary enforces, in one place, with its unit in its name. Values are AWS's where AWS
 * documents one (see shared reference "kinesis-data-streams.md"); others are ours and say why.
 */

// ---- Transport ----
/** A 10 MiB PutRecords is ~13.4 MiB once base64-encoded in JSON; leave room for keys and framing. */
export const REQUEST_BODY_BYTES_MAX = 16 * 1024 * 1024;
export const REQUEST_HEADER_BYTES_MAX = 64 * 1024;
/** How long a client may take to send its request headers (slowloris guard). */
export const REQUEST_HEADERS_TIMEOUT_MS = 20_000;
/** How long a whole request (headers and body) may take to arrive. */
export const REQUEST_TIMEOUT_MS = 120_000;
/** Keep-alive connections with no request in flight are closed after this long. */
export const CONNECTION_IDLE_TIMEOUT_MS = 120_000;
/** How long the listener waits for a new connection's first bytes before giving up on it. */
export const CONNECTION_SNIFF_TIMEOUT_MS = 10_000;
export const HTTP2_CONCURRENT_STREAMS_MAX = 1000;

// ---- Kinesis data plane ----
export const PUT_RECORDS_ENTRIES_MAX = 500;
/** Request-level PutRecords cap: AWS documents up to 10 MiB per request, partition keys included. */
export const PUT_RECORDS_REQUEST_BYTES_MAX = 10 * 1024 * 1024;
/** Default per-record cap (data + partition key); raised per stream by MaxRecordSizeInKiB. */
export const RECORD_BYTES_DEFAULT_MAX = 1024 * 1024;
export const RECORD_SIZE_KIB_MIN = 1024;
export const RECORD_SIZE_KIB_MAX = 10240;
export const PARTITION_KEY_CHARS_MAX = 256;
export const GET_RECORDS_RECORDS_MAX = 10_000;
export const GET_RECORDS_BYTES_MAX = 10 * 1024 * 1024;
export const SHARD_ITERATOR_AGE_MS_MAX = 5 * 60 * 1000;
export const SHARD_ITERATOR_CHARS_MAX = 512;

// ---- Enhanced fan-out ----
export const SUBSCRIPTION_DURATION_MS_MAX = 5 * 60 * 1000;
/** A second SubscribeToShard for the same consumer and shard within this window is refused. */
export const SUBSCRIPTION_TAKEOVER_MS_MIN = 5_000;
/** AWS sends events without data periodically so that the continuation keeps moving. */
export const SUBSCRIPTION_HEARTBEAT_MS = 5_000;
/** One event carries at most what a consumer may read in a second from one shard (2 MiB/s). */
export const SUBSCRIPTION_EVENT_BYTES_MAX = 2 * 1024 * 1024;
export const SUBSCRIPTION_EVENT_RECORDS_MAX = 10_000;
export const CONSUMERS_PER_STREAM_MAX = 20;

// ---- Streams and shards ----
export const STREAM_NAME_CHARS_MAX = 128;
export const RETENTION_HOURS_MIN = 24;
export const RETENTION_HOURS_MAX = 8760;
export const RETENTION_HOURS_DEFAULT = 24;
export const SHARDS_PER_ACCOUNT_DEFAULT_MAX = 20_000;
export const SHARDS_PER_STREAM_MAX = 10_000;
export const ON_DEMAND_STREAMS_PER_ACCOUNT_DEFAULT_MAX = 50;
export const ON_DEMAND_INITIAL_SHARDS = 4;
export const TAGS_PER_STREAM_MAX = 50;
export const TAGS_PER_CALL_MAX = 10;
export const LIST_SHARDS_RESULTS_DEFAULT = 1000;
export const LIST_SHARDS_RESULTS_MAX = 10_000;
export const LIST_STREAMS_RESULTS_DEFAULT = 100;
export const DESCRIBE_STREAM_SHARDS_DEFAULT = 100;
/** ListShards and ListStreamConsumers NextTokens expire, as AWS's do. */
export const NEXT_TOKEN_AGE_MS_MAX = 5 * 60 * 1000;

// ---- Storage ----
export const SEGMENT_BYTES_DEFAULT_MAX = 128 * 1024 * 1024;
/** One sparse index entry per this many bytes of log. */
export const INDEX_INTERVAL_BYTES = 4096;
/** One sparse time-index entry per this many milliseconds of arrival time. */
export const TIME_INDEX_INTERVAL_MS = 1000;

// ---- Protocol ----
/** Nesting depth a CBOR request body may have; Kinesis shapes nest at most 4 deep, so this is generous. */
export const CBOR_NESTING_DEPTH_MAX = 64;
/** Bytes of a new connection the listener reads before it decides which protocol the client speaks. */
export const CONNECTION_SNIFF_BYTES = 24;
/** Days a generated self-signed certificate stays valid. */
export const SELF_SIGNED_CERT_VALIDITY_DAYS = 3650;
/** How long stop() waits for open connections and event streams to finish before destroying them. */
export const SERVER_STOP_GRACE_MS = 1_000;
/** How many bytes of unframed event-stream output may queue on one response before drained() waits. */
export const EVENT_STREAM_BUFFERED_BYTES_MAX = 1024 * 1024;

// ---- Storage: file backend ----
/** A frame larger than this is damage, not data: records are at most 10 MiB plus keys and header. */
export const FRAME_BYTES_MAX = 11 * 1024 * 1024;
/** Recently appended records kept in memory for readers at the tail, across all shards of one backend. */
export const TAIL_CACHE_BYTES_MAX = 64 * 1024 * 1024;
/** The first read of a GetRecords batch from disk fetches at most this many bytes in one syscall... */
export const READ_FIRST_BYTES_MAX = 1024 * 1024;
/** ...and any further read at most this many (bounds the buffer one read allocates). */
export const READ_CHUNK_BYTES_MAX = 16 * 1024 * 1024;
/** Segment positions are 32-bit in the index files. */
export const SEGMENT_BYTES_LIMIT_MAX = 2 ** 32 - FRAME_BYTES_MAX - 1;
/** Recovery scans the newest segment in reads of this size. */
export const RECOVERY_READ_BYTES = 4 * 1024 * 1024;

// ---- Input validation ----
/** AWS stops collecting constraint violations after this many and reports those ("10 validation errors"). */
export const VALIDATION_ERRORS_REPORTED_MAX = 10;
/** Idle encode buffers kept for reuse across all shards of one backend. */
export const ENCODE_POOL_BYTES_MAX = 32 * 1024 * 1024;
/** Encode buffers are at least this big, so one buffer serves batches of many sizes. */
export const ENCODE_BUFFER_BYTES_MIN = 256 * 1024;

// ---- Kinesis resharding ----
/** UpdateShardCount may at most double, or halve, the open shard count in one call (AWS's default quota). */
export const UPDATE_SHARD_COUNT_SCALE_FACTOR_MAX = 2;
/** UpdateShardCount calls per stream in a rolling 24 hours (AWS's default quota). */
export const UPDATE_SHARD_COUNT_CALLS_PER_DAY_MAX = 10;
