/**
 * A small stand-in for AWS KMS: the keys a stream may be encrypted with. Keys are defined in the
 * credentials file; `alias/aws/kinesis` (the AWS-managed key) exists implicitly in every account and
 * region. A StartStreamEncryption KeyId may be a key id, a key ARN, an alias name or an alias ARN.
 * Unknown, disabled, pending-deletion and not-shared keys give the model's KMS exceptions.
 */
import { createHash } from "node:crypto";
import { StreamsError } from "../kinesis/engine/errors.js";
import type { KeyDefinition, KeyState } from "./credentials.js";

export const AWS_MANAGED_KINESIS_ALIAS = "alias/aws/kinesis";

export interface ResolvedKey {
  /** `arn:aws:kms:<region>:<owner>:key/<id>`: what data keys are bound to. */
  keyArn: string;
  state: KeyState;
}

const KEY_ARN = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):(\d{12}):key\/(.+)$/;
const ALIAS_ARN = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):(\d{12}):(alias\/.+)$/;

/** The AWS-managed key's id: stable per account and region, shaped like a KMS key id (a UUID). */
function managedKeyId(account: string, region: string): string {
  const h = createHash("sha256").update(`aws/kinesis/${account}/${region}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export class KeyRegistry {
  private readonly byId = new Map<string, KeyDefinition>();
  /** `<account>/<alias>` -> key id */
  private readonly aliases = new Map<string, string>();

  constructor(keys: readonly KeyDefinition[]) {
    for (const key of keys) {
      this.byId.set(`${key.accountId}/${key.keyId}`, key);
      for (const alias of key.aliases) this.aliases.set(`${key.accountId}/${alias}`, key.keyId);
    }
  }

  /** Resolves a KeyId for a stream in `account`/`region`, or throws the KMS exception AWS would. */
  resolve(account: string, region: string, keyId: string): ResolvedKey {
    let owner = account;
    let keyRegion = region;
    let name = keyId;
    const keyArn = KEY_ARN.exec(keyId);
    const aliasArn = ALIAS_ARN.exec(keyId);
    if (keyArn) [, keyRegion, owner, name] = keyArn as unknown as [string, string, string, string];
    else if (aliasArn) [, keyRegion, owner, name] = aliasArn as unknown as [string, string, string, string];
    if (keyRegion !== region) throw new StreamsError("kms-not-found", notFoundMessage(keyId));

    if (name === AWS_MANAGED_KINESIS_ALIAS || name === managedKeyId(owner, region)) {
      // The AWS-managed key serves only its own account.
      if (owner !== account) throw new StreamsError("kms-access-denied", accessDeniedMessage(account, keyId));
      return { keyArn: `arn:aws:kms:${region}:${owner}:key/${managedKeyId(owner, region)}`, state: "Enabled" };
    }
    const id = name.startsWith("alias/") ? this.aliases.get(`${owner}/${name}`) : name;
    const key = id === undefined ? undefined : this.byId.get(`${owner}/${id}`);
    if (key === undefined || (key.region !== undefined && key.region !== region)) throw new StreamsError("kms-not-found", notFoundMessage(keyId));
    const arn = `arn:aws:kms:${region}:${owner}:key/${key.keyId}`;
    if (owner !== account && !key.allowedAccounts.includes(account)) throw new StreamsError("kms-access-denied", accessDeniedMessage(account, arn));
    return { keyArn: arn, state: key.state };
  }

  /** Resolves and requires the key to be usable for encryption. */
  usable(account: string, region: string, keyId: string): ResolvedKey {
    const key = this.resolve(account, region, keyId);
    if (key.state === "Disabled") throw new StreamsError("kms-disabled", `${key.keyArn} is disabled.`);
    if (key.state === "PendingDeletion") throw new StreamsError("kms-invalid-state", `${key.keyArn} is pending deletion.`);
    return key;
  }
}

// KMS's own wording for NotFoundException, which Kinesis passes on as KMSNotFoundException.
function notFoundMessage(keyId: string): string {
  return keyId.includes("alias/") ? `Alias ${keyId} is not found.` : `Key '${keyId}' does not exist`;
}

function accessDeniedMessage(account: string, keyArn: string): string {
  return `User: arn:aws:iam::${account}:root is not authorized to perform: kms:GenerateDataKey on resource: ${keyArn}`;
}
