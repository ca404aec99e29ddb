import { kinesisOperation } from "./kinesis-operation.js";
import { changeEnhancedMonitoring } from "./enhanced-monitoring.js";
import type { EnableEnhancedMonitoringInput } from "./generated/types.js";

export const EnableEnhancedMonitoring = kinesisOperation<EnableEnhancedMonitoringInput>("EnableEnhancedMonitoring", (input, ctx, deps) =>
  changeEnhancedMonitoring(input, ctx, deps, true),
);
