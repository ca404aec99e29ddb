import { kinesisOperation } from "./kinesis-operation.js";
import { changeEnhancedMonitoring } from "./enhanced-monitoring.js";
import type { DisableEnhancedMonitoringInput } from "./generated/types.js";

export const DisableEnhancedMonitoring = kinesisOperation<DisableEnhancedMonitoringInput>("DisableEnhancedMonitoring", (input, ctx, deps) =>
  changeEnhancedMonitoring(input, ctx, deps, false),
);
