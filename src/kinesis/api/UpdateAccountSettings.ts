import { kinesisOperation } from "./kinesis-operation.js";
import { toWireCommitment } from "./account-settings.js";
import type { UpdateAccountSettingsInput, UpdateAccountSettingsOutput } from "./generated/types.js";

export const UpdateAccountSettings = kinesisOperation<UpdateAccountSettingsInput>(
  "UpdateAccountSettings",
  async (input, ctx, { streams }): Promise<UpdateAccountSettingsOutput> => {
    const settings = await streams.control.updateAccountSettings(ctx.account, input.MinimumThroughputBillingCommitment.Status === "ENABLED");
    const commitment = toWireCommitment(settings);
    return commitment ? { MinimumThroughputBillingCommitment: commitment } : {};
  },
);
