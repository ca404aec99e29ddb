import { kinesisOperation } from "./kinesis-operation.js";
import { toWireCommitment } from "./account-settings.js";
import type { DescribeAccountSettingsInput, DescribeAccountSettingsOutput } from "./generated/types.js";

export const DescribeAccountSettings = kinesisOperation<DescribeAccountSettingsInput>(
  "DescribeAccountSettings",
  (_input, ctx, { streams }): DescribeAccountSettingsOutput => {
    const commitment = toWireCommitment(streams.control.getAccountSettings(ctx.account));
    return commitment ? { MinimumThroughputBillingCommitment: commitment } : {};
  },
);
