/**
 * Bounds of the SQL engine that come from AWS's documentation. (Kept here rather than in core/limits.ts
 * while that file has other sessions' edits in flight; operator-specific bounds sit next to their operator.)
 */

/** ApplicationCode is at most 102,400 characters (model: ApplicationCode max 102400). */
export const SQL_CODE_CHARS_MAX = 102_400;
/** In-application stream and table names are 1-32 characters. */
export const IN_APP_NAME_CHARS_MAX = 32;
