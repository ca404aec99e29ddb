import type { StartingPosition } from "../runtime/run-spec.js";
import { analyticsOperation } from "./analytics-operation.js";
import { invalidArgument } from "./errors.js";
import type { StartApplicationRequest, StartApplicationResponse } from "./generated/types.js";

export const StartApplication = analyticsOperation<StartApplicationRequest>("StartApplication", async (input, ctx, deps): Promise<StartApplicationResponse> => {
  const positions = new Map<string, StartingPosition>();
  for (const config of input.InputConfigurations) {
    const position = config.InputStartingPositionConfiguration.InputStartingPosition;
    if (position === undefined) throw invalidArgument(`InputStartingPosition is required for input ${config.Id}.`);
    positions.set(config.Id, position);
  }
  await deps.applications.start(ctx.account, ctx.region, input.ApplicationName, positions);
  return {};
});
