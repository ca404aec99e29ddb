/** Names of the metadata collections every service uses; one place so backends can create them up front. */
export const METADATA_COLLECTIONS = {
  streams: "streams",
  consumers: "consumers",
  accountSettings: "account-settings",
  // Later services store theirs here too (delivery streams, applications, functions, mappings, leases, checkpoints).
  analyticsApplications: "analytics-applications",
  /** Per-application shard positions of running SQL applications (for LAST_STOPPED_POINT). */
  analyticsPositions: "analytics-positions",
} as const;

/** Server-wide secrets (the shard-iterator key), kept so tokens survive a restart. */
export const SECRETS_COLLECTION = "server-secrets";
