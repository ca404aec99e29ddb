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
/**
 * Recently appended records kept in memory for readers at the tail, across all shards of one backend
 * (allocated in 1 MiB slabs as writes arrive). 32 MiB holds ~0.3 s of writes at 100 MB/s: consumers that
 * keep up read from memory; laggards read from disk (from the page cache only where appends go through
 * it: O_DIRECT appends, the default with fsync always, leave nothing there).
 */
export const TAIL_CACHE_BYTES_MAX = 32 * 1024 * 1024;
/**
 * The first read of a GetRecords batch from disk fetches at most this many bytes in one syscall. A page
 * of 10,000 small records (~1.5 MB of frames) then takes one read: at 1 MiB it took two, the second
 * (doubled) reading ~1.5 MB past the page, which the next call read again.
 */
export const READ_FIRST_BYTES_MAX = 4 * 1024 * 1024;
/** ...and any further read at most this many (bounds the buffer one read allocates). */
export const READ_CHUNK_BYTES_MAX = 16 * 1024 * 1024;
/** Segment positions are 32-bit in the index files. */
export const SEGMENT_BYTES_LIMIT_MAX = 2 ** 32 - FRAME_BYTES_MAX - 1;
/** Recovery scans the newest segment in reads of this size. */
export const RECOVERY_READ_BYTES = 4 * 1024 * 1024;

// ---- Input validation ----
/** AWS stops collecting constraint violations after this many and reports those ("10 validation errors"). */
export const VALIDATION_ERRORS_REPORTED_MAX = 10;
/**
 * Idle encode buffers kept for reuse across all shards of one backend. A buffer is busy only from an
 * append until its group commit, so a few MiB cover many concurrent 500-record PutRecords.
 */
export const ENCODE_POOL_BYTES_MAX = 8 * 1024 * 1024;
/** Encode buffers are at least this big, so one buffer serves batches of many sizes. */
export const ENCODE_BUFFER_BYTES_MIN = 256 * 1024;
/** Alignment of O_DIRECT writes (memory, file position, length): the page size, a multiple of any block size in use. */
export const DIRECT_IO_BLOCK_BYTES = 4096;
/** One staging buffer of direct writes; a commit larger than this is written in several aligned writes. */
export const DIRECT_IO_CHUNK_BYTES = 1024 * 1024;
/** Staging buffers per backend (shard logs committing at once beyond this wait for one). */
export const DIRECT_IO_CHUNKS_MAX = 8;
/** Sealed segments (of all shards) whose indexes stay in memory; the others are reloaded from their files when needed. */
export const SEALED_INDEXES_CACHED_MAX = 16;

// ---- Kinesis resharding ----
/** UpdateShardCount may at most double, or halve, the open shard count in one call (AWS's default quota). */
export const UPDATE_SHARD_COUNT_SCALE_FACTOR_MAX = 2;
/** UpdateShardCount calls per stream in a rolling 24 hours (AWS's default quota). */
export const UPDATE_SHARD_COUNT_CALLS_PER_DAY_MAX = 10;

// ---- AWS throughput and control-plane limits (enforced with --limits aws) ----
/** Per-shard write rate: bytes (data plus partition key) and records. */
export const SHARD_WRITE_BYTES_PER_SECOND_MAX = 1024 * 1024;
export const SHARD_WRITE_RECORDS_PER_SECOND_MAX = 1000;
/** A quiet shard accepts this many seconds' worth of writes at once (token-bucket size; AWS publishes none). */
export const SHARD_WRITE_BURST_SECONDS = 1;
/** Per-shard polling read budget, shared by every GetRecords caller. */
export const SHARD_READ_BYTES_PER_SECOND_MAX = 2 * 1024 * 1024;
export const SHARD_GET_RECORDS_CALLS_PER_SECOND_MAX = 5;
export const SHARD_GET_SHARD_ITERATOR_CALLS_PER_SECOND_MAX = 5;
/** Enhanced fan-out: each consumer gets its own read budget per shard. */
export const EFO_READ_BYTES_PER_SECOND_MAX = 2 * 1024 * 1024;
export const SUBSCRIBE_TO_SHARD_CALLS_PER_SECOND_MAX = 1;
/** Streams of one account and region that may be CREATING or DELETING at once. */
export const STREAMS_IN_TRANSITION_MAX = 5;
/** Consumers of one account and region that may be CREATING at once. */
export const CONSUMERS_CREATING_MAX = 5;
/** DescribeLimits' ShardLimit in --limits aws mode when --shard-limit is not given (AWS's default in most regions). */
export const SHARDS_PER_ACCOUNT_AWS_DEFAULT_MAX = 500;
/** UpdateStreamMode calls per stream in a rolling 24 hours. */
export const MODE_SWITCHES_PER_DAY_MAX = 2;

// ---- On-demand scaling ----
/** A shard writing more than this on average over a scaling window is split (AWS: "about 500 KB/s"). */
export const ON_DEMAND_SHARD_SPLIT_BYTES_PER_SECOND = 500 * 1024;
/** How often on-demand streams are evaluated (AWS splits a hot shard "within about 15 minutes"). */
export const ON_DEMAND_SCALE_WINDOW_MS_DEFAULT = 15 * 60 * 1000;
/** On-demand capacity follows the peak write rate of this long a past (AWS: 30 days). */
export const ON_DEMAND_PEAK_MEMORY_MS = 30 * 24 * 3_600_000;
/** On-demand capacity is this multiple of the remembered peak write rate. */
export const ON_DEMAND_PEAK_CAPACITY_FACTOR = 2;
/** Shards provisioned per MiB/s of warm throughput (one shard writes 1 MiB/s). */
export const WARM_THROUGHPUT_SHARDS_PER_MIBPS = 1;

// ---- Analytics (SQL applications) ----
/** Applications per account and region (AWS's documented default limit). */
export const ANALYTICS_APPLICATIONS_PER_REGION_MAX = 50;
/** Tags per application (the limits page; the model allows 200 per request). */
export const ANALYTICS_TAGS_PER_APPLICATION_MAX = 50;
/** Streaming inputs per application. */
export const ANALYTICS_INPUTS_PER_APPLICATION_MAX = 1;
/** Outputs per application. */
export const ANALYTICS_OUTPUTS_PER_APPLICATION_MAX = 3;
/** Reference data sources per application. */
export const ANALYTICS_REFERENCES_PER_APPLICATION_MAX = 1;
/** Period of the engine-time tick that closes windows when no data arrives. */
export const ANALYTICS_TICK_MS = 1_000;
/** Records one shard read may return to an application. */
export const ANALYTICS_READ_RECORDS_MAX = 10_000;
/** Data bytes one shard read may return to an application. */
export const ANALYTICS_READ_BYTES_MAX = 4 * 1024 * 1024;
/** Record batches one shard reader may have posted to its application's worker and not yet acknowledged (back-pressure). */
export const ANALYTICS_BATCHES_IN_FLIGHT_MAX = 8;
/** A caught-up shard reader waits this long for an append before it looks at the shard map again. */
export const ANALYTICS_IDLE_WAIT_MS = 5_000;
/** Pause before retrying a failed write to an output stream. */
export const ANALYTICS_OUTPUT_RETRY_MS = 500;
/** Distinct partition keys output rows are spread over (cycled, so the hash cache always hits). */
export const ANALYTICS_OUTPUT_PARTITION_KEYS = 256;
/** Reference data object size (AWS: 1 GB; Tributary loads it into memory, so it keeps a lower bound). */
export const ANALYTICS_REFERENCE_BYTES_MAX = 256 * 1024 * 1024;
/** Records DiscoverInputSchema samples from a stream or file. */
export const ANALYTICS_DISCOVERY_RECORDS_MAX = 100;
/** How long DiscoverInputSchema waits for records to appear on a stream read from NOW. */
export const ANALYTICS_DISCOVERY_WAIT_MS = 1_000;
/** Control-plane rate buckets kept at once (accounts x streams x operations); the oldest are dropped beyond it. */
export const RATE_BUCKETS_TRACKED_MAX = 100_000;
/** Added latency a fault-injection rule may ask for. */
export const FAULT_LATENCY_MS_MAX = 60_000;

// ---- Security ----
/** A SigV4 header-form request signed further than this from the server's clock is refused (AWS JSON services: 5 min). */
export const SIGV4_CLOCK_SKEW_MS_MAX = 5 * 60 * 1000;
/** Longest X-Amz-Expires a presigned request may carry (SigV4's one week). */
export const SIGV4_PRESIGNED_EXPIRES_SECONDS_MAX = 7 * 24 * 3600;
/** Open client connections the listener accepts at once; further ones are closed on arrival. */
export const CONNECTIONS_MAX = 10_000;
/** Records one at-rest data key encrypts before a new one is made (keeps random 96-bit GCM nonces far from collision). */
export const DATA_KEY_RECORDS_MAX = 2 ** 30;

// ---- Response buffers (src/server/response-buffers.ts) ----
/** Response buffers below this size are allocated as usual; from it up they come from the pool (src/server/response-buffers.ts). */
export const RESPONSE_BUFFER_BYTES_MIN = 64 * 1024;
/**
 * Free buffers the pool keeps for reuse: four readers' GetRecords pages (4 MiB each at 10,000 x 100 B).
 * Measured with the whole benchmark then a 10 GB write: 48 MiB kept the server at 281 MiB resident
 * afterwards, 16 MiB at 222 MiB, with the same throughput (only GetRecords pages are pooled; with request
 * bodies pooled too, a tighter bound had fragmented malloc's heap instead).
 */
export const RESPONSE_BUFFER_POOL_BYTES_MAX = 16 * 1024 * 1024;

// ---- Request buffers (src/server/request-buffers.ts) ----
/** Request bodies and decode arenas below this size are allocated as usual; from it up they come from the pool. */
export const REQUEST_BUFFER_BYTES_MIN = 64 * 1024;
/**
 * Free buffers the request pool keeps for reuse: eight concurrent 500 x 1 KiB PutRecords hold a 1 MiB
 * body and a 1 MiB decode arena each (their size classes).
 */
export const REQUEST_BUFFER_POOL_BYTES_MAX = 16 * 1024 * 1024;
/** A buffer pool that gave out nothing for this long drops its free buffers (between one and two periods). */
export const BUFFER_POOL_IDLE_TRIM_MS = 5_000;
