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
  const end = writeSequenceNumber(scratch, 0, sequenceDigits(base), offset);
  return scratch.toString("latin1", 0, end);
}

/** The BigInt route, kept as the reference the fast formatter is tested against. */
export function sequenceNumberAtBigInt(base: bigint, offset: number): string {
  return (base | (BigInt(offset + 1) << COUNTER_SHIFT)).toString();
}

// ---------------------------------------------------------------- decimal formatting without BigInt
//
// A sequence number is base + counter·2⁸⁰ (the base has no bits where the counter goes). Formatting a
// 185-bit BigInt per record was 7% of a PutRecords profile, so the base is converted to decimal once per
// (shard, arrival second) as limbs of 10⁷, and each record adds counter·2⁸⁰ in limbs: the counter
// (< 2⁵³, it is an offset plus one) is split into three limbs, every partial product is below 10¹⁴ and
// every column sum below 2⁵³, so all of it is exact in doubles.

const LIMB = 10_000_000;
const LIMB_DIGITS = 7;
/** 9 limbs hold 63 digits; sequence numbers have at most 57. */
const LIMB_COUNT = 9;
const SEQUENCE_DIGITS_MAX = LIMB_COUNT * LIMB_DIGITS;
/** Bases kept in decimal form (a few shards × a few arrival seconds are live at once); cleared when full. */
const DIGITS_CACHE_ENTRIES_MAX = 4096;
const ZERO = 0x30;
/** "00".."99" as ASCII byte pairs. */
const DIGIT_PAIRS = Uint8Array.from(Array.from({ length: 100 }, (_, n) => [ZERO + Math.floor(n / 10), ZERO + (n % 10)]).flat());

/**
 * A base in decimal: its limbs (least significant first) and, as ASCII, the digits of limbs 6 and up,
 * which a counter below 10¹⁴ changes only through a rare carry.
 */
export interface SequenceDigits {
  readonly limbs: Float64Array;
  /** Empty when those limbs are all zero (never for real sequence numbers, whose top bits are set). */
  readonly head: Uint8Array;
}

function limbsOf(value: bigint): Float64Array {
  const limbs = new Float64Array(LIMB_COUNT);
  let rest = value;
  const limb = BigInt(LIMB);
  for (let i = 0; i < LIMB_COUNT && rest > 0n; i++) {
    limbs[i] = Number(rest % limb);
    rest /= limb;
  }
  if (rest > 0n) throw new Error("sequence number base out of range");
  return limbs;
}

function digitsOf(base: bigint): SequenceDigits {
  const limbs = limbsOf(base);
  // Limbs 6..8 together stay below 2⁵³, so one Number holds them exactly.
  const upper = limbs[8]! * LIMB * LIMB + limbs[7]! * LIMB + limbs[6]!;
  return { limbs, head: upper === 0 ? new Uint8Array(0) : Buffer.from(String(upper), "latin1") };
}

const UNIT = limbsOf(1n << COUNTER_SHIFT); // 2⁸⁰: four limbs
const U0 = UNIT[0]!;
const U1 = UNIT[1]!;
const U2 = UNIT[2]!;
const U3 = UNIT[3]!;

const digitsCache = new Map<bigint, SequenceDigits>();
let lastBase = -1n;
let lastDigits: SequenceDigits = digitsOf(0n);
const sum = new Float64Array(LIMB_COUNT);
const scratch = Buffer.allocUnsafe(SEQUENCE_DIGITS_MAX);

/** Recently used bases, scanned before the Map: a PutRecords batch alternates between a few shards' bases. */
const RECENT_BASES = 8;
const recentBases: bigint[] = new Array<bigint>(RECENT_BASES).fill(-1n);
const recentDigits: SequenceDigits[] = new Array<SequenceDigits>(RECENT_BASES).fill(lastDigits);
let recentNext = 0;

/** The decimal form of a base from sequenceBase (cached). */
export function sequenceDigits(base: bigint): SequenceDigits {
  if (base === lastBase) return lastDigits;
  for (let i = 0; i < RECENT_BASES; i++) {
    if (recentBases[i] === base) {
      lastBase = base;
      lastDigits = recentDigits[i]!;
      return lastDigits;
    }
  }
  let digits = digitsCache.get(base);
  if (digits === undefined) {
    if (digitsCache.size >= DIGITS_CACHE_ENTRIES_MAX) digitsCache.clear();
    digits = digitsOf(base);
    digitsCache.set(base, digits);
  }
  recentBases[recentNext] = base;
  recentDigits[recentNext] = digits;
  recentNext = (recentNext + 1) % RECENT_BASES;
  lastBase = base;
  lastDigits = digits;
  return digits;
}

/**
 * A written record's result (PutEntryResult's accepted form) whose sequence number is formatted only
 * when read: the PutRecords writer puts the digits straight into the response instead.
 */
export class AcceptedRecord {
  readonly ok = true as const;

  constructor(
    readonly shardId: string,
    readonly digits: SequenceDigits,
    readonly offset: number,
  ) {}

  get sequenceNumber(): string {
    const end = writeSequenceNumber(scratch, 0, this.digits, this.offset);
    return scratch.toString("latin1", 0, end);
  }

  /** Plain data when logged or serialised (the getter is not an own property). */
  toJSON(): { ok: true; shardId: string; sequenceNumber: string } {
    return { ok: true, shardId: this.shardId, sequenceNumber: this.sequenceNumber };
  }
}

/** The decimal digits of a sequence number's value, in ASCII, written at `at`; returns the end. */
export function writeSequenceNumber(target: Uint8Array, at: number, digits: SequenceDigits, offset: number): number {
  // Quotients by 10⁷ below 2⁵³ are never rounded up to the next integer (their fractional part is at
  // least 10⁻⁷ from it, far above the rounding error), so floor(x / 10⁷) is exact.
  const base = digits.limbs;
  const counter = offset + 1;
  const high = Math.floor(counter / LIMB);
  const c0 = counter - high * LIMB;
  const c2 = Math.floor(high / LIMB);
  const c1 = high - c2 * LIMB;
  let t = base[0]! + c0 * U0;
  let carry = Math.floor(t / LIMB);
  const l0 = t - carry * LIMB;
  t = base[1]! + c0 * U1 + c1 * U0 + carry;
  carry = Math.floor(t / LIMB);
  const l1 = t - carry * LIMB;
  t = base[2]! + c0 * U2 + c1 * U1 + c2 * U0 + carry;
  carry = Math.floor(t / LIMB);
  const l2 = t - carry * LIMB;
  t = base[3]! + c0 * U3 + c1 * U2 + c2 * U1 + carry;
  carry = Math.floor(t / LIMB);
  const l3 = t - carry * LIMB;
  t = base[4]! + c1 * U3 + c2 * U2 + carry;
  carry = Math.floor(t / LIMB);
  const l4 = t - carry * LIMB;
  t = base[5]! + c2 * U3 + carry;
  carry = Math.floor(t / LIMB);
  const l5 = t - carry * LIMB;
  const head = digits.head;
  if (carry !== 0 || head.length === 0) return writeSequenceNumberSlow(target, at, base, [l0, l1, l2, l3, l4, l5], carry);
  // The head as cached, then six limbs of seven digits each, filled from the right.
  const n = head.length;
  for (let i = 0; i < n; i++) target[at + i] = head[i]!;
  const end = at + n + 6 * LIMB_DIGITS;
  let p = writeLimb(target, end, l0);
  p = writeLimb(target, p, l1);
  p = writeLimb(target, p, l2);
  p = writeLimb(target, p, l3);
  p = writeLimb(target, p, l4);
  writeLimb(target, p, l5);
  return end;
}

/** Seven digits of a limb, zero-padded, ending before `end` (three pairs from a table and one digit). */
function writeLimb(target: Uint8Array, end: number, value: number): number {
  let limb = value | 0;
  let q = (limb / 100) | 0;
  let r = (limb - q * 100) << 1;
  target[end - 1] = DIGIT_PAIRS[r + 1]!;
  target[end - 2] = DIGIT_PAIRS[r]!;
  limb = q;
  q = (limb / 100) | 0;
  r = (limb - q * 100) << 1;
  target[end - 3] = DIGIT_PAIRS[r + 1]!;
  target[end - 4] = DIGIT_PAIRS[r]!;
  limb = q;
  q = (limb / 100) | 0;
  r = (limb - q * 100) << 1;
  target[end - 5] = DIGIT_PAIRS[r + 1]!;
  target[end - 6] = DIGIT_PAIRS[r]!;
  target[end - 7] = ZERO + q;
  return end - LIMB_DIGITS;
}

/** The general route: a carry into limb 6, or a base too small to have a head (tests of the layout). */
function writeSequenceNumberSlow(target: Uint8Array, at: number, base: Float64Array, low: readonly number[], carryIn: number): number {
  for (let i = 0; i < 6; i++) sum[i] = low[i]!;
  let carry = carryIn;
  let top = 0;
  for (let i = 6; i < LIMB_COUNT; i++) {
    const t = base[i]! + carry;
    carry = Math.floor(t / LIMB);
    sum[i] = t - carry * LIMB;
  }
  for (let i = 0; i < LIMB_COUNT; i++) if (sum[i] !== 0) top = i;
  let topValue = sum[top]! | 0;
  let topDigits = 1;
  for (let bound = 10; topValue >= bound; bound *= 10) topDigits++;
  const end = at + topDigits + top * LIMB_DIGITS;
  let p = end;
  for (let i = 0; i < top; i++) p = writeLimb(target, p, sum[i]!);
  while (p > at) {
    const q = (topValue / 10) | 0;
    target[--p] = ZERO + topValue - q * 10;
    topValue = q;
  }
  return end;
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
