import type { AccountSettings } from "../engine/model.js";
import type { MinimumThroughputBillingCommitmentOutput } from "./generated/types.js";

export function toWireCommitment(settings: AccountSettings): MinimumThroughputBillingCommitmentOutput | undefined {
  const c = settings.minimumThroughputBillingCommitment;
  if (!c) return undefined;
  const wire: MinimumThroughputBillingCommitmentOutput = { Status: c.status };
  if (c.startedAtMs !== undefined) wire.StartedAt = new Date(c.startedAtMs);
  if (c.endedAtMs !== undefined) wire.EndedAt = new Date(c.endedAtMs);
  if (c.earliestAllowedEndAtMs !== undefined) wire.EarliestAllowedEndAt = new Date(c.earliestAllowedEndAtMs);
  return wire;
}
