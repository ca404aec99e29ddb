import { invalidArgument } from "../engine/errors.js";
import { kinesisOperation } from "./kinesis-operation.js";
import type { PutResourcePolicyInput } from "./generated/types.js";

export const PutResourcePolicy = kinesisOperation<PutResourcePolicyInput>("PutResourcePolicy", async (input, _ctx, { streams }) => {
  const resource = streams.control.resourceByArn(input.ResourceARN);
  let document: unknown;
  try {
    document = JSON.parse(input.Policy);
  } catch {
    throw invalidArgument("Policy is not a valid JSON document.");
  }
  if (typeof document !== "object" || document === null || !("Statement" in document)) {
    throw invalidArgument("Policy document must contain a Statement.");
  }
  await streams.control.setPolicy(resource, input.Policy);
  return undefined;
});
