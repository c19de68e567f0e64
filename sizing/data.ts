/**
 * Fixed sizes of the data layer and the network that are the same in every tier (the tier table holds
 * what differs per tier): the cache's AUTH token, access-log retention, NAT instance disks and boot.
 */

/**
 * AUTH token lengths ElastiCache accepts (AUTH command docs: 16–128 printable characters), and the
 * length generated when the caller does not say: 64 alphanumerics are ~380 bits, far past guessing.
 */
export const AUTH_TOKEN_LENGTH = { min: 16, max: 128, default: 64 } as const;

/** Days the log bucket keeps access logs when the caller does not say (a year: an audit lookback). */
export const DEFAULT_ACCESS_LOG_RETENTION_DAYS = 365;

/** A NAT instance's disk and first boot (the NAT instances of components/network). */
export const NAT_INSTANCE = {
  /** Root volume (GiB): the AL2023 AMI's own snapshot size. */
  rootVolumeGiB: 8,
  /**
   * The boot script's `dnf install` retries: cloud-init may clean dnf's cache while it runs
   * (aws/aws-cdk#36717), so it tries this many times, this many seconds apart, then insists.
   */
  packageInstallAttempts: 30,
  packageInstallRetrySeconds: 5,
} as const;
