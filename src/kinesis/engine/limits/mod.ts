/** Limits the streams engine may enforce, behind the EngineGuards seam. */
import type { Clock } from "../../../core/clock.js";
import type { ShardWriteMeter } from "../scaling/write-meter.js";
import { AwsGuards } from "./aws-guards.js";
import type { EngineGuards, LimitsMode } from "./engine-guards.js";
import { OffGuards } from "./off-guards.js";

export function createGuards(mode: LimitsMode, clock: Clock, meter: ShardWriteMeter): EngineGuards {
  return mode === "aws" ? new AwsGuards(clock, meter) : new OffGuards(meter);
}

export type { EngineGuards, LimitsMode, SubscriptionPacer, WriteGate } from "./engine-guards.js";
export { recordsBytes } from "./engine-guards.js";
