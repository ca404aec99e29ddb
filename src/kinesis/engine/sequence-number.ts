/**
 * AWS's sequence-number layout ("version 2", reverse-engineered by kinesalite and confirmed against
 * real AWS values; see reference "kinesis-data-streams.md" section 5). As 47 hex digits:
 *
 *   2 | shard creation (36 bits, epoch s) | shard index low nibble (4) | counter (64) | 00 (8) |
 *   arrival (36 bits, epoch s) | shard index (32) | version 2 (4)
 *
 * Tributary's counter is the record's offset in its shard log plus one, so that counter 0 is the
 * shard's StartingSequenceNumber, strictly before its first record: then AFTER_SEQUENCE_NUMBER of the
 * starting number (or of a continuation number at the shard's start) still yields record 0.
 */

export interface SequenceNumberFields {
  shardCreationSeconds: number;
  shardIndex: number;
  counter: bigint;
  arrivalSeconds: number;
}

const COUNTER_SHIFT = 80n; // 8 + 36 + 32 + 4 bits below the counter
const ARRIVAL_SHIFT = 36n; // 32 + 4
const CREATION_SHIFT = 148n; // 4 + 64 + 80
const NIBBLE_SHIFT = 144n;
const SECONDS_MASK = (1n << 36n) - 1n;
const COUNTER_MASK = (1n << 64n) - 1n;
const INDEX_MASK = (1n << 32n) - 1n;
const TOP = 2n << 184n;
const SEQUENCE_PATTERN = /^(0|[1-9]\d{0,128})$/;

/** The fixed part of every sequence number of one shard at one arrival second. */
export function sequenceBase(shardCreationSeconds: number, shardIndex: number, arrivalSeconds: number): bigint {
  const index = BigInt(shardIndex);
  return (
    TOP |
    ((BigInt(shardCreationSeconds) & SECONDS_MASK) << CREATION_SHIFT) |
    ((index & 0xfn) << NIBBLE_SHIFT) |
    ((BigInt(arrivalSeconds) & SECONDS_MASK) << ARRIVAL_SHIFT) |
    ((index & INDEX_MASK) << 4n) |
    2n
  );
}

export function encodeSequenceNumber(fields: SequenceNumberFields): string {
  const base = sequenceBase(fields.shardCreationSeconds, fields.shardIndex, fields.arrivalSeconds);
  return (base | ((fields.counter & COUNTER_MASK) << COUNTER_SHIFT)).toString();
}

/** Sequence number of the record at `offset`, given the precomputed base for its arrival second. */
export function sequenceNumberAt(base: bigint, offset: number): string {
  return (base | (BigInt(offset + 1) << COUNTER_SHIFT)).toString();
}

/** Decodes a sequence number, or returns undefined when it is not of the version-2 layout. */
export function decodeSequenceNumber(text: string): SequenceNumberFields | undefined {
  if (!SEQUENCE_PATTERN.test(text) || text.length < 56 || text.length > 57) return undefined;
  const value = BigInt(text);
  if (value >> 184n !== 2n || (value & 0xfn) !== 2n) return undefined;
  const shardIndex = Number((value >> 4n) & INDEX_MASK);
  const nibble = Number((value >> NIBBLE_SHIFT) & 0xfn);
  if ((shardIndex & 0xf) !== nibble) return undefined;
  return {
    shardCreationSeconds: Number((value >> CREATION_SHIFT) & SECONDS_MASK),
    shardIndex,
    counter: (value >> COUNTER_SHIFT) & COUNTER_MASK,
    arrivalSeconds: Number((value >> ARRIVAL_SHIFT) & SECONDS_MASK),
  };
}

/** The log offset a sequence number designates: its record's offset (counter - 1), or -1 for a shard start. */
export function offsetOfSequenceNumber(fields: SequenceNumberFields): number {
  const counter = fields.counter;
  if (counter > BigInt(Number.MAX_SAFE_INTEGER)) return Number.MAX_SAFE_INTEGER;
  return Number(counter) - 1;
}
