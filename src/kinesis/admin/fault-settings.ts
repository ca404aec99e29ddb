import { FAULT_LATENCY_MS_MAX } from "../../core/limits.js";

/** What may go wrong with one operation's calls. Probabilities are from 0 to 1. */
export interface FaultRule {
  /** The call fails as AWS throttles it (ProvisionedThroughputExceeded on the data plane, LimitExceeded otherwise). */
  throttle: number;
  /** The call fails with InternalFailureException (HTTP 500). */
  internalFailure: number;
  /** Added before the call is served (also before an injected failure). */
  latencyMs: number;
}

/** Fault injection, switchable at run time (`/_tributary/faults`, `tributary faults`, `--faults`). */
export interface FaultSettings extends FaultRule {
  /** Each PutRecords entry fails with ProvisionedThroughputExceededException; the others are written. */
  entryThrottle: number;
  /** Each PutRecords entry fails with InternalFailure. */
  entryInternalFailure: number;
  /** Rules for named operations; their fields replace the top-level ones for that operation. */
  operations: Record<string, Partial<FaultRule>>;
  /** Makes the random draws repeatable. */
  seed?: number | undefined;
}

export const NO_FAULTS: FaultSettings = {
  throttle: 0,
  internalFailure: 0,
  latencyMs: 0,
  entryThrottle: 0,
  entryInternalFailure: 0,
  operations: {},
};

export class FaultSettingsError extends Error {
  override name = "FaultSettingsError";
}

function probability(where: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new FaultSettingsError(`${where} must be a number from 0 to 1, got ${JSON.stringify(value)}`);
  }
  return value;
}

function latency(where: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > FAULT_LATENCY_MS_MAX) {
    throw new FaultSettingsError(`${where} must be a whole number of milliseconds from 0 to ${FAULT_LATENCY_MS_MAX}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const RULE_FIELDS = ["throttle", "internalFailure", "latencyMs"] as const;
const TOP_FIELDS = new Set<string>([...RULE_FIELDS, "entryThrottle", "entryInternalFailure", "operations", "seed"]);

function rule(where: string, value: Record<string, unknown>): Partial<FaultRule> {
  const out: Partial<FaultRule> = {};
  for (const key of Object.keys(value)) {
    if (!(RULE_FIELDS as readonly string[]).includes(key)) throw new FaultSettingsError(`${where}: unknown field ${JSON.stringify(key)}`);
  }
  if (value.throttle !== undefined) out.throttle = probability(`${where}.throttle`, value.throttle);
  if (value.internalFailure !== undefined) out.internalFailure = probability(`${where}.internalFailure`, value.internalFailure);
  if (value.latencyMs !== undefined) out.latencyMs = latency(`${where}.latencyMs`, value.latencyMs);
  return out;
}

/**
 * Validates settings given as JSON (admin endpoint, CLI, `--faults`). Missing fields are 0; unknown
 * fields and unknown operation names are refused so that a typo cannot silently inject nothing.
 */
export function parseFaultSettings(value: unknown, knownOperations: ReadonlySet<string>): FaultSettings {
  if (!isRecord(value)) throw new FaultSettingsError("fault settings must be a JSON object");
  for (const key of Object.keys(value)) {
    if (!TOP_FIELDS.has(key)) throw new FaultSettingsError(`unknown field ${JSON.stringify(key)}`);
  }
  const top = rule("faults", Object.fromEntries(Object.entries(value).filter(([k]) => (RULE_FIELDS as readonly string[]).includes(k))));
  const settings: FaultSettings = {
    throttle: top.throttle ?? 0,
    internalFailure: top.internalFailure ?? 0,
    latencyMs: top.latencyMs ?? 0,
    entryThrottle: value.entryThrottle === undefined ? 0 : probability("entryThrottle", value.entryThrottle),
    entryInternalFailure: value.entryInternalFailure === undefined ? 0 : probability("entryInternalFailure", value.entryInternalFailure),
    operations: {},
  };
  if (settings.entryThrottle + settings.entryInternalFailure > 1) {
    throw new FaultSettingsError("entryThrottle + entryInternalFailure must not exceed 1");
  }
  if (value.operations !== undefined) {
    if (!isRecord(value.operations)) throw new FaultSettingsError("operations must be an object of operation name to rule");
    for (const [name, ruleValue] of Object.entries(value.operations)) {
      if (!knownOperations.has(name)) throw new FaultSettingsError(`operations: unknown operation ${JSON.stringify(name)}`);
      if (!isRecord(ruleValue)) throw new FaultSettingsError(`operations.${name} must be an object`);
      settings.operations[name] = rule(`operations.${name}`, ruleValue);
    }
  }
  if (value.seed !== undefined) {
    if (typeof value.seed !== "number" || !Number.isSafeInteger(value.seed)) throw new FaultSettingsError(`seed must be an integer, got ${JSON.stringify(value.seed)}`);
    settings.seed = value.seed;
  }
  return settings;
}

/** Whether any fault could fire. */
export function hasFaults(settings: FaultSettings): boolean {
  const any = (r: Partial<FaultRule>) => (r.throttle ?? 0) > 0 || (r.internalFailure ?? 0) > 0 || (r.latencyMs ?? 0) > 0;
  return any(settings) || settings.entryThrottle > 0 || settings.entryInternalFailure > 0 || Object.values(settings.operations).some(any);
}
