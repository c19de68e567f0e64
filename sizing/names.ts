/**
 * The names the sizing is keyed by: tiers, environments, GPU types, job priorities, capacity types.
 * Every other file of sizing/ (and config validation) takes its enumerations from here.
 */

export const TIER_NAMES = ["1k", "10k", "100k"] as const;
export type Tier = (typeof TIER_NAMES)[number];

export const ENVIRONMENT_NAMES = ["dev", "prod"] as const;
export type Environment = (typeof ENVIRONMENT_NAMES)[number];

export const GPU_TYPES = ["l4", "a10g"] as const;
export type GpuType = (typeof GPU_TYPES)[number];

/** Job priorities. SQS has no message priorities, so each priority is its own queue (seed: PWM). */
export const PRIORITIES = ["free", "paid", "sprint"] as const;
export type Priority = (typeof PRIORITIES)[number];

/** EC2 capacity types of a node group. */
export const CAPACITY_TYPES = ["ON_DEMAND", "SPOT"] as const;
export type CapacityType = (typeof CAPACITY_TYPES)[number];
