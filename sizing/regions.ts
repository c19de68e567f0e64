/**
 * Availability Zones per AWS Region, for refusing a layout the Region cannot hold before any resource
 * exists (config runs offline: there is no cloud call to ask).
 *
 * Source: AWS Global Infrastructure, "Regions and Availability Zones"
 * (https://aws.amazon.com/about-aws/global-infrastructure/regions_az/) and the EC2 user guide's Region
 * table (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-regions-availability-zones.html),
 * as read in 2025. The count is what a NEW account can use: us-west-1 has three zones but accounts
 * created since 2012 see two, and ap-northeast-1 exposes three of its four. A Region missing here is
 * accepted with a warning; `pulumi up` then fails at the VPC if the zones are not there.
 */
export const REGION_AVAILABILITY_ZONES: Readonly<Record<string, number>> = {
  "us-east-1": 6,
  "us-east-2": 3,
  "us-west-1": 2,
  "us-west-2": 4,
  "ca-central-1": 3,
  "ca-west-1": 3,
  "mx-central-1": 3,
  "sa-east-1": 3,
  "eu-west-1": 3,
  "eu-west-2": 3,
  "eu-west-3": 3,
  "eu-central-1": 3,
  "eu-central-2": 3,
  "eu-north-1": 3,
  "eu-south-1": 3,
  "eu-south-2": 3,
  "il-central-1": 3,
  "me-south-1": 3,
  "me-central-1": 3,
  "af-south-1": 3,
  "ap-east-1": 3,
  "ap-south-1": 3,
  "ap-south-2": 3,
  "ap-northeast-1": 3,
  "ap-northeast-2": 4,
  "ap-northeast-3": 3,
  "ap-southeast-1": 3,
  "ap-southeast-2": 3,
  "ap-southeast-3": 3,
  "ap-southeast-4": 3,
  "ap-southeast-5": 3,
  "ap-southeast-7": 3,
  "us-gov-west-1": 3,
  "us-gov-east-1": 3,
};

/** The partition a Region belongs to (ARNs must match it). */
export function partitionOf(region: string): "aws" | "aws-us-gov" | "aws-cn" {
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  if (region.startsWith("cn-")) return "aws-cn";
  return "aws";
}
