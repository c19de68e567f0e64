/**
 * The network's fixed layout and NAT instance facts, the same in every tier (the tier table's
 * `network` section holds what differs: AZ count, NAT kind and strategy, VPC CIDR): subnet sizes, the
 * per-AZ slicing of the VPC (a cross-field rule config validation applies before any resource), and
 * the NAT instances' disk and boot-script retries.
 */
import type { NetworkSizing } from "./schema";

/** Subnet sizes. Private subnets are large: the VPC CNI gives every pod a VPC address. */
export const SUBNET_CIDR_MASKS = { public: 24, private: 19 } as const;

/**
 * Each AZ gets one of 2^AZ_SLOT_BITS equal slices of the VPC CIDR, whatever the AZ count. Left to
 * itself awsx sizes the slices from the count (VPC prefix + ceil(log2(AZs)), awsx
 * `ec2/subnetDistributorNew.ts`), so the tier switch from 2 to 3 AZs (10k → 100k) would move the
 * second AZ's subnets from 10.0.128.0/19 to 10.0.64.0/19: a subnet replacement that AWS refuses while
 * RDS, ElastiCache and EKS hold interfaces in them. Four slices cover every tier (at most 3 AZs).
 */
export const AZ_SLOT_BITS = 2;

/**
 * The prefix length of each AZ's slice of `sizing.vpcCidr` (see {@link AZ_SLOT_BITS}). Refuses an AZ
 * count or CIDR the layout cannot hold, before any resource exists.
 */
export function availabilityZoneCidrMask(sizing: Pick<NetworkSizing, "vpcCidr" | "availabilityZones">): number {
  const vpcPrefix = Number(/\/(\d+)$/.exec(sizing.vpcCidr)?.[1]);
  if (!Number.isInteger(vpcPrefix)) throw new Error(`Network: \`sizing.vpcCidr\` "${sizing.vpcCidr}" is not an IPv4 CIDR block.`);
  const mask = vpcPrefix + AZ_SLOT_BITS;
  if (sizing.availabilityZones > 2 ** AZ_SLOT_BITS) {
    throw new Error(
      `Network: \`sizing.availabilityZones\` ${sizing.availabilityZones} exceeds the ${2 ** AZ_SLOT_BITS} AZ slices of the VPC layout.`,
    );
  }
  const needed = 2 ** (32 - SUBNET_CIDR_MASKS.private) + 2 ** (32 - SUBNET_CIDR_MASKS.public);
  if (needed > 2 ** (32 - mask)) {
    throw new Error(
      `Network: \`sizing.vpcCidr\` ${sizing.vpcCidr} is too small: each AZ's /${mask} slice cannot hold a ` +
        `/${SUBNET_CIDR_MASKS.private} private and a /${SUBNET_CIDR_MASKS.public} public subnet.`,
    );
  }
  return mask;
}

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
