/**
 * The credentials file: who may call, as which account, under which identity policy, and the KMS-like
 * keys streams may be encrypted with. Read and validated once at start; a mistake stops the server
 * with a message that names the entry.
 *
 * {"users": [{"accessKeyId", "secretAccessKey", "accountId", "policy", "sessionToken"?, "userName"?, "arn"?}],
 *  "keys":  [{"keyId", "accountId", "region"?, "aliases"?, "state"?, "allowedAccounts"?}]}
 */
import { readFileSync } from "node:fs";
import { parsePolicy, PolicySyntaxError, type Policy } from "./policy.js";

export interface User {
  accessKeyId: string;
  secretAccessKey: string;
  accountId: string;
  sessionToken: string | undefined;
  /** `arn:aws:iam::<account>:user/<name>` unless the file gives one. */
  arn: string;
  /** The identity policy; a user without one is allowed nothing (IAM's default). */
  policy: Policy | undefined;
}

export type KeyState = "Enabled" | "Disabled" | "PendingDeletion";

export interface KeyDefinition {
  keyId: string;
  accountId: string;
  /** Undefined: the key serves every region (a convenience; AWS keys are regional). */
  region: string | undefined;
  aliases: string[];
  state: KeyState;
  /** Accounts besides the owner whose streams may use the key (a stand-in for the key policy). */
  allowedAccounts: string[];
}

export interface CredentialsFile {
  users: User[];
  keys: KeyDefinition[];
}

export class CredentialsError extends Error {
  override name = "CredentialsError";
}

const ACCOUNT_ID = /^\d{12}$/;
const ACCESS_KEY_ID = /^[A-Za-z0-9]{1,128}$/;
const KEY_ID = /^[A-Za-z0-9-]{1,128}$/;
const ALIAS = /^alias\/[A-Za-z0-9/_-]{1,250}$/;

function field(entry: Record<string, unknown>, name: string, where: string): string {
  const value = entry[name];
  if (typeof value !== "string" || value === "") throw new CredentialsError(`${where}: "${name}" must be a non-empty string`);
  return value;
}

function optionalString(entry: Record<string, unknown>, name: string, where: string): string | undefined {
  const value = entry[name];
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value === "") throw new CredentialsError(`${where}: "${name}" must be a non-empty string`);
  return value;
}

function object(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new CredentialsError(`${where} must be an object`);
  return value as Record<string, unknown>;
}

function parseUser(raw: unknown, index: number): User {
  const where = `users[${index}]`;
  const entry = object(raw, where);
  const accessKeyId = field(entry, "accessKeyId", where);
  if (!ACCESS_KEY_ID.test(accessKeyId)) throw new CredentialsError(`${where}: accessKeyId must be letters and digits`);
  const accountId = field(entry, "accountId", where);
  if (!ACCOUNT_ID.test(accountId)) throw new CredentialsError(`${where}: accountId must be 12 digits`);
  const userName = optionalString(entry, "userName", where) ?? accessKeyId;
  let policy: Policy | undefined;
  if (entry.policy !== undefined) {
    try {
      policy = parsePolicy(entry.policy);
    } catch (error) {
      if (error instanceof PolicySyntaxError) throw new CredentialsError(`${where} (${accessKeyId}): policy: ${error.message}`);
      throw error;
    }
  }
  return {
    accessKeyId,
    secretAccessKey: field(entry, "secretAccessKey", where),
    accountId,
    sessionToken: optionalString(entry, "sessionToken", where),
    arn: optionalString(entry, "arn", where) ?? `arn:aws:iam::${accountId}:user/${userName}`,
    policy,
  };
}

const KEY_STATES: readonly KeyState[] = ["Enabled", "Disabled", "PendingDeletion"];

function parseKey(raw: unknown, index: number): KeyDefinition {
  const where = `keys[${index}]`;
  const entry = object(raw, where);
  const keyId = field(entry, "keyId", where);
  if (!KEY_ID.test(keyId)) throw new CredentialsError(`${where}: keyId must be letters, digits and dashes (a key id such as a UUID)`);
  const accountId = field(entry, "accountId", where);
  if (!ACCOUNT_ID.test(accountId)) throw new CredentialsError(`${where}: accountId must be 12 digits`);
  const aliases = entry.aliases ?? [];
  if (!Array.isArray(aliases) || !aliases.every((a): a is string => typeof a === "string" && ALIAS.test(a))) {
    throw new CredentialsError(`${where}: aliases must be a list of "alias/<name>"`);
  }
  if (aliases.includes("alias/aws/kinesis")) throw new CredentialsError(`${where}: alias/aws/kinesis is AWS-managed and created implicitly`);
  const state = entry.state ?? "Enabled";
  if (typeof state !== "string" || !(KEY_STATES as readonly string[]).includes(state)) {
    throw new CredentialsError(`${where}: state must be one of ${KEY_STATES.join(", ")}`);
  }
  const allowed = entry.allowedAccounts ?? [];
  if (!Array.isArray(allowed) || !allowed.every((a): a is string => typeof a === "string" && ACCOUNT_ID.test(a))) {
    throw new CredentialsError(`${where}: allowedAccounts must be a list of 12-digit accounts`);
  }
  return { keyId, accountId, region: optionalString(entry, "region", where), aliases, state: state as KeyState, allowedAccounts: allowed };
}

export function parseCredentials(document: unknown): CredentialsFile {
  const root = object(document, "the credentials file");
  const users = root.users ?? [];
  const keys = root.keys ?? [];
  if (!Array.isArray(users)) throw new CredentialsError('"users" must be a list');
  if (!Array.isArray(keys)) throw new CredentialsError('"keys" must be a list');
  const parsed = { users: users.map(parseUser), keys: keys.map(parseKey) };
  const seen = new Set<string>();
  for (const user of parsed.users) {
    if (seen.has(user.accessKeyId)) throw new CredentialsError(`access key ${user.accessKeyId} appears twice`);
    seen.add(user.accessKeyId);
  }
  return parsed;
}

export function loadCredentialsFile(path: string): CredentialsFile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new CredentialsError(`cannot read credentials file ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw new CredentialsError(`credentials file ${path} is not valid JSON`);
  }
  return parseCredentials(document);
}

/** Users by access key id. */
export class CredentialStore {
  private readonly byAccessKey = new Map<string, User>();

  constructor(users: readonly User[]) {
    for (const user of users) this.byAccessKey.set(user.accessKeyId, user);
  }

  get(accessKeyId: string | undefined): User | undefined {
    return accessKeyId === undefined ? undefined : this.byAccessKey.get(accessKeyId);
  }
}
