/**
 * Network pricer: NAT (awsx VPC strategy, NAT gateways and NAT instances), elastic IPs, interface
 * VPC endpoints and hosted zones.
 */
import { arr, num, obj } from "../model";
import { EC2_HOURLY, HOURS_PER_MONTH, PRICES } from "../prices";
import type { Pricing } from "./pricing";

export function priceNetwork(p: Pricing): void {
  const { index, usage } = p;
  for (const vpc of index.ofType("awsx:ec2:Vpc")) {
    const strategy = String(obj(vpc.inputs.natGateways).strategy ?? "OnePerAz");
    const azs = num(vpc.inputs.numberOfAvailabilityZones, 3);
    const nats = strategy === "Single" ? 1 : strategy === "None" ? 0 : azs;
    p.add(vpc, `NAT gateway (${strategy}, ${azs} AZs) × ${nats}`, nats * HOURS_PER_MONTH, "hour", PRICES.natGateway.usd, PRICES.natGateway);
    p.add(vpc, "NAT gateway elastic IP (public IPv4)", nats * HOURS_PER_MONTH, "hour", PRICES.publicIpv4Hour.usd, PRICES.publicIpv4Hour);
    if (nats > 0) p.add(vpc, "NAT data processed (usage.natGbPerMonth)", usage.natGbPerMonth, "GB", PRICES.natGatewayGb.usd, PRICES.natGatewayGb, 0);
  }
  for (const nat of index.ofType("aws:ec2/natGateway:NatGateway")) {
    p.add(nat, `NAT gateway (${nat.name})`, HOURS_PER_MONTH, "hour", PRICES.natGateway.usd, PRICES.natGateway);
  }
  // Plain EC2 instances (the NAT instances): on-demand hours, root volume, auto-assigned public IPv4.
  // No per-GB processing charge, unlike a NAT gateway.
  for (const inst of index.ofType("aws:ec2/instance:Instance")) {
    const type = String(inst.inputs.instanceType ?? "");
    const price = EC2_HOURLY[type];
    if (!price) {
      p.unpriced.add(`${inst.type} (instance type ${type})`);
      continue;
    }
    p.add(inst, `${type} on-demand instance (${inst.name})`, HOURS_PER_MONTH, "hour", price.usd, price);
    const rootGb = num(obj(inst.inputs.rootBlockDevice).volumeSize, 8);
    p.add(inst, `EBS gp3 root volume ${rootGb} GiB (${inst.name})`, rootGb, "GB-month", PRICES.ebsGp3GbMonth.usd, PRICES.ebsGp3GbMonth);
    if (inst.inputs.associatePublicIpAddress === true) {
      p.add(inst, `${inst.name} public IPv4 address`, HOURS_PER_MONTH, "hour", PRICES.publicIpv4Hour.usd, PRICES.publicIpv4Hour);
    }
  }
  const natGateways = index.ofType("aws:ec2/natGateway:NatGateway");
  if (natGateways.length > 0) {
    p.add(
      { component: index.componentOf(natGateways[0]), resources: natGateways },
      `NAT gateway data processed (usage.natGbPerMonth, ${natGateways.length} gateways)`,
      usage.natGbPerMonth,
      "GB",
      PRICES.natGatewayGb.usd,
      PRICES.natGatewayGb,
      0,
    );
  }
  for (const eip of index.ofType("aws:ec2/eip:Eip")) {
    p.add(eip, `Elastic IP (${eip.name})`, HOURS_PER_MONTH, "hour", PRICES.publicIpv4Hour.usd, PRICES.publicIpv4Hour);
  }
  for (const ep of index.ofType("aws:ec2/vpcEndpoint:VpcEndpoint")) {
    if (ep.inputs.vpcEndpointType !== "Interface") continue; // Gateway endpoints (S3, DynamoDB) are free.
    const azs = Math.max(1, arr(ep.inputs.subnetIds).length);
    p.add(ep, `Interface endpoint ${String(ep.inputs.serviceName)} × ${azs} AZs`, azs * HOURS_PER_MONTH, "AZ-hour", PRICES.interfaceEndpointAzHour.usd, PRICES.interfaceEndpointAzHour);
  }
  for (const zone of index.ofType("aws:route53/zone:Zone")) {
    p.add(zone, `Hosted zone ${String(zone.inputs.name ?? zone.name)}`, 1, "zone-month", PRICES.route53HostedZoneMonth.usd, PRICES.route53HostedZoneMonth);
  }
}
