/**
 * The ONE price table of the cost model: AWS list prices for us-east-1, on-demand, dated. Every entry
 * names its source. Entries that ../shared/reference/aws-prices.md does not list (or lists as an
 * estimate) are marked `estimate: true` and `npm run plan` prints them as estimates.
 *
 * Updating: change the figure and its `source`, and move {@link PRICE_DATE}. Other regions are a
 * documented limitation: the plan warns when a stack's region is not {@link PRICED_REGION}.
 */

/** When these prices were collected. */
export const PRICE_DATE = "2026-11";
/** The region the table describes. */
export const PRICED_REGION = "us-east-1";
/** Hours in the billing month every hourly price is multiplied by. */
export const HOURS_PER_MONTH = 730;
/** Days in that month (730 / 24). */
export const DAYS_PER_MONTH = HOURS_PER_MONTH / 24;

export interface Price {
  usd: number;
  /** What one unit is ("hour", "GB-month", "million requests", ...). */
  unit: string;
  source: string;
  /** Not a published list price in the reference: derived or taken from the AWS pricing page. */
  estimate?: boolean;
}

const REF = "aws-prices.md (2026-11)";
const VMS = "aws-prices.md: skypilot-catalog vms.csv (2026-11)";
const INFRACOST = "aws-prices.md: infracost golden files (2026-11)";
const PAGE = "AWS pricing page (us-east-1, 2026-11)";

const hourly = (usd: number, source: string, estimate = false): Price => ({ usd, unit: "hour", source, estimate });

/** EC2 on-demand per instance-hour (spot: the `ec2SpotDiscount` usage assumption applies). */
export const EC2_HOURLY: Record<string, Price> = {
  "g4dn.xlarge": hourly(0.526, VMS),
  "g5.xlarge": hourly(1.006, VMS),
  "g5.2xlarge": hourly(1.212, VMS),
  "g5.12xlarge": hourly(5.672, VMS),
  "g6.xlarge": hourly(0.8048, VMS),
  "g6.2xlarge": hourly(0.9776, VMS),
  "g6.12xlarge": hourly(4.6016, VMS),
  "t3.small": hourly(0.0208, VMS),
  "t3.medium": hourly(0.0416, VMS),
  "t4g.nano": hourly(0.0042, PAGE, true),
  "t4g.micro": hourly(0.0084, PAGE, true),
  "t4g.small": hourly(0.0168, VMS),
  "t4g.medium": hourly(0.0336, VMS),
  "t4g.large": hourly(0.0672, PAGE, true),
  "m6i.large": hourly(0.096, VMS),
  "m7i.large": hourly(0.1008, VMS),
  "c6i.large": hourly(0.085, VMS),
  "m6g.large": hourly(0.077, VMS),
  "m7g.large": hourly(0.0816, PAGE, true),
};

/** RDS PostgreSQL single-AZ per instance-hour; Multi-AZ (one standby) doubles it. */
export const RDS_HOURLY: Record<string, Price> = {
  "db.t4g.micro": hourly(0.016, INFRACOST),
  "db.t4g.small": hourly(0.032, INFRACOST),
  "db.t4g.medium": hourly(0.065, INFRACOST),
  "db.t4g.large": hourly(0.129, PAGE, true),
  "db.m7g.large": hourly(0.168, `${REF}, marked estimate there`, true),
  "db.r7g.large": hourly(0.239, PAGE, true),
};

/** ElastiCache per node-hour (the reference marks the whole list as estimates). */
export const ELASTICACHE_HOURLY: Record<string, Price> = {
  "cache.t4g.micro": hourly(0.016, `${REF}, marked estimate there`, true),
  "cache.t4g.small": hourly(0.032, `${REF}, marked estimate there`, true),
  "cache.t4g.medium": hourly(0.065, `${REF}, marked estimate there`, true),
  "cache.m7g.large": hourly(0.158, `${REF}, marked estimate there`, true),
  "cache.r7g.large": hourly(0.219, `${REF}, marked estimate there`, true),
};

/** Everything else, by what it is. */
export const PRICES = {
  eksControlPlane: hourly(0.1, REF),
  fargateVcpuX86: hourly(0.04048, REF),
  fargateGbX86: { usd: 0.004445, unit: "GB-hour", source: REF },
  fargateVcpuArm: hourly(0.03238, REF),
  fargateGbArm: { usd: 0.00356, unit: "GB-hour", source: REF },
  natGateway: hourly(0.045, INFRACOST),
  natGatewayGb: { usd: 0.045, unit: "GB", source: INFRACOST },
  albHour: hourly(0.0225, INFRACOST),
  albLcuHour: { usd: 0.008, unit: "LCU-hour", source: INFRACOST },
  nlbHour: hourly(0.0225, PAGE, true),
  nlbLcuHour: { usd: 0.006, unit: "NLCU-hour", source: PAGE, estimate: true },
  /** Every public IPv4 address (NAT elastic IPs, internet-facing load balancer nodes), since 2024-02. */
  publicIpv4Hour: hourly(0.005, PAGE, true),
  interfaceEndpointAzHour: hourly(0.01, REF),
  ebsGp3GbMonth: { usd: 0.08, unit: "GB-month", source: PAGE, estimate: true },
  /** gp3 throughput above the free 125 MiB/s (Amazon EBS pricing page). */
  ebsGp3ThroughputMiBpsMonth: { usd: 0.04, unit: "MiB/s-month", source: PAGE, estimate: true },
  rdsGp3GbMonth: { usd: 0.115, unit: "GB-month", source: INFRACOST },
  s3StandardGbMonth: { usd: 0.023, unit: "GB-month", source: INFRACOST },
  s3PutPerThousand: { usd: 0.005, unit: "1 000 requests", source: INFRACOST },
  s3GetPerThousand: { usd: 0.0004, unit: "1 000 requests", source: INFRACOST },
  sqsPerMillion: { usd: 0.4, unit: "million requests", source: INFRACOST },
  wafAclMonth: { usd: 5, unit: "web ACL-month", source: REF },
  wafRuleMonth: { usd: 1, unit: "rule-month", source: REF },
  wafPerMillionRequests: { usd: 0.6, unit: "million requests", source: REF },
  secretMonth: { usd: 0.4, unit: "secret-month", source: REF },
  kmsKeyMonth: { usd: 1, unit: "key-month", source: REF },
  alarmMonth: { usd: 0.1, unit: "alarm-month", source: REF },
  /** High-resolution (period < 60 s) alarms. */
  highResolutionAlarmMonth: { usd: 0.3, unit: "alarm-month", source: PAGE, estimate: true },
  compositeAlarmMonth: { usd: 0.5, unit: "alarm-month", source: PAGE, estimate: true },
  customMetricMonth: { usd: 0.3, unit: "metric-month", source: REF },
  getMetricDataPerThousand: { usd: 0.01, unit: "1 000 metrics requested", source: PAGE, estimate: true },
  logIngestionGb: { usd: 0.5, unit: "GB", source: REF },
  logStorageGbMonth: { usd: 0.03, unit: "GB-month", source: PAGE, estimate: true },
  dashboardMonth: { usd: 3, unit: "dashboard-month", source: REF },
  ecrGbMonth: { usd: 0.1, unit: "GB-month", source: REF },
  /** First 25 hosted zones of an account. */
  route53HostedZoneMonth: { usd: 0.5, unit: "zone-month", source: PAGE, estimate: true },
  snsEmailPerThousand: { usd: 0, unit: "1 000 notifications", source: PAGE },
} satisfies Record<string, Price>;

/** Every price entry with a stable key, for the report's price listing and tests. */
export function allPrices(): Record<string, Price> {
  const out: Record<string, Price> = {};
  for (const [k, v] of Object.entries(PRICES)) out[k] = v;
  for (const [k, v] of Object.entries(EC2_HOURLY)) out[`ec2:${k}`] = v;
  for (const [k, v] of Object.entries(RDS_HOURLY)) out[`rds:${k}`] = v;
  for (const [k, v] of Object.entries(ELASTICACHE_HOURLY)) out[`elasticache:${k}`] = v;
  return out;
}
