/**
 * Fixed sizes of the data layer that are the same in every tier (the tier table holds what differs per
 * tier): the cache's AUTH token and the access-log retention default.
 */

/**
 * AUTH token lengths ElastiCache accepts (AUTH command docs: 16–128 printable characters), and the
 * length generated when the caller does not say: 64 alphanumerics are ~380 bits, far past guessing.
 */
export const AUTH_TOKEN_LENGTH = { min: 16, max: 128, default: 64 } as const;

