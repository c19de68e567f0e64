/**
 * Composition: builds one stack's platform from its settled config. Every component gets only the
 * values it needs (sizing from the tier table, ids from the components it depends on); none reads
 * stack config itself.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { StackIdentity } from "../components/component";
import { Keys } from "../components/keys";
import { Network } from "../components/network";
import type { PlatformConfig } from "./config";

/** Tags every AWS resource of the stack carries (through the provider's default tags). */
export function stackTags(config: PlatformConfig): Record<string, string> {
  return {
    ...config.tags,
    project: config.project,
    stack: config.stack,
    environment: config.environment,
    "managed-by": "pulumi",
  };
}

/** Builds the platform and returns the stack outputs. */
export function buildPlatform(config: PlatformConfig): Record<string, pulumi.Input<unknown>> {
  const { sizing } = config;
  const provider = new aws.Provider("aws", {
    region: config.region as aws.Region,
    defaultTags: { tags: stackTags(config) },
  });
  const opts = { providers: { aws: provider } };
  const identity: StackIdentity = { project: config.project, stack: config.stack, tags: {} };
  const account = aws.getCallerIdentityOutput({}, { provider });

  const keys = new Keys("keys", { identity, region: config.region, accountId: account.accountId }, opts);

  const network = new Network(
    "network",
    {
      identity,
      region: config.region,
      sizing: sizing.network,
      flowLogs: sizing.safety.flowLogs,
      logRetentionDays: sizing.observability.logRetentionDays,
      kmsKeyArn: keys.keyArn,
    },
    opts,
  );

  return {
    environment: config.environment,
    tier: config.tier,
    region: config.region,
    vpcId: network.vpcId,
    privateSubnetIds: network.privateSubnetIds,
    kmsKeyArn: keys.keyArn,
  };
}
