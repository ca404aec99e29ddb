/**
 * The streams engine's public, in-process API. Services (the Kinesis operations, Firehose, Analytics,
 * Functions) use it; nothing here knows about HTTP or wire shapes.
 */
import type { EngineOptions } from "./engine-options.js";
import { RecordsPlane } from "./records.js";
import { StreamsEngine } from "./streams-engine.js";
import { Subscriptions } from "./subscriptions.js";
import { DEFAULT_ON_DEMAND_SCALING, OnDemandScaler } from "./scaling/on-demand-scaler.js";

export interface Streams {
  control: StreamsEngine;
  records: RecordsPlane;
  subscriptions: Subscriptions;
  /** Splits on-demand streams under load and provisions warm throughput (scaling/). */
  scaling: OnDemandScaler;
  close(): Promise<void>;
}

export async function openStreams(options: EngineOptions): Promise<Streams> {
  const control = await StreamsEngine.open(options);
  const records = new RecordsPlane(control);
  const subscriptions = new Subscriptions(control, records);
  const scaling = new OnDemandScaler(control, control.writeMeter, options.onDemandScaling ?? DEFAULT_ON_DEMAND_SCALING);
  scaling.start();
  return {
    control,
    records,
    subscriptions,
    scaling,
    close: async () => {
      scaling.stop();
      await scaling.settled();
      await control.close();
    },
  };
}

export { StreamsEngine } from "./streams-engine.js";
export { RecordsPlane } from "./records.js";
export { Subscriptions } from "./subscriptions.js";
export { StreamsError } from "./errors.js";
export type { EngineOptions, TransitionDurations } from "./engine-options.js";
export { DEFAULT_DURATIONS, ZERO_DURATIONS } from "./engine-options.js";
export type { LimitsMode } from "./limits/mod.js";
export { DEFAULT_ON_DEMAND_SCALING, OnDemandScaler, type OnDemandScalingOptions } from "./scaling/on-demand-scaler.js";
export * from "./model.js";
