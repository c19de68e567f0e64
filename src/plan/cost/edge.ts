/**
 * Edge pricer: load balancers (ALBs and NLBs the program declares, and the NLB the AWS Load Balancer
 * Controller creates for a Kubernetes Service of type LoadBalancer), their public IPv4 addresses,
 * and WAF web ACLs with their rules and requests.
 */
import { arr, loadBalancerServices, obj } from "../model";
import { HOURS_PER_MONTH, PRICES } from "../prices";
import type { Pricing } from "./pricing";

export function priceEdge(p: Pricing): void {
  const { index, usage, traffic } = p;
  for (const lb of index.ofType("aws:lb/loadBalancer:LoadBalancer")) {
    const kind = String(lb.inputs.loadBalancerType ?? "application");
    const azs = Math.max(arr(lb.inputs.subnets).length, arr(lb.inputs.subnetMappings).length, 2);
    if (kind === "application") {
      p.add(lb, `ALB ${lb.name}`, HOURS_PER_MONTH, "hour", PRICES.albHour.usd, PRICES.albHour);
      p.add(lb, `ALB LCUs (usage.albAverageLcu = ${usage.albAverageLcu})`, usage.albAverageLcu * HOURS_PER_MONTH, "LCU-hour", PRICES.albLcuHour.usd, PRICES.albLcuHour, 0);
    } else if (kind === "network") {
      p.add(lb, `NLB ${lb.name}`, HOURS_PER_MONTH, "hour", PRICES.nlbHour.usd, PRICES.nlbHour);
      p.add(lb, `NLB NLCUs (usage.nlbAverageLcu = ${usage.nlbAverageLcu})`, usage.nlbAverageLcu * HOURS_PER_MONTH, "NLCU-hour", PRICES.nlbLcuHour.usd, PRICES.nlbLcuHour, 0);
    } else {
      p.unpriced.add(`${lb.type} (loadBalancerType ${kind})`);
      continue;
    }
    if (lb.inputs.internal !== true) {
      p.add(lb, `${lb.name} public IPv4 addresses (one per AZ)`, azs * HOURS_PER_MONTH, "hour", PRICES.publicIpv4Hour.usd, PRICES.publicIpv4Hour);
    }
  }
  // Created by the AWS Load Balancer Controller at runtime, not by Pulumi, but billed all the same.
  for (const svc of loadBalancerServices(index)) {
    const annotations = obj(obj(svc.inputs.metadata).annotations);
    p.add(svc, `NLB for Service ${svc.name} (AWS LB controller)`, HOURS_PER_MONTH, "hour", PRICES.nlbHour.usd, PRICES.nlbHour);
    p.add(svc, `NLB NLCUs (usage.nlbAverageLcu = ${usage.nlbAverageLcu})`, usage.nlbAverageLcu * HOURS_PER_MONTH, "NLCU-hour", PRICES.nlbLcuHour.usd, PRICES.nlbLcuHour, 0);
    if (annotations["service.beta.kubernetes.io/aws-load-balancer-scheme"] === "internet-facing") {
      p.add(svc, `${svc.name} NLB public IPv4 addresses`, 2 * HOURS_PER_MONTH, "hour", PRICES.publicIpv4Hour.usd, PRICES.publicIpv4Hour);
    }
  }
  for (const acl of index.ofType("aws:wafv2/webAcl:WebAcl")) {
    const rules = arr(acl.inputs.rules).length;
    p.add(acl, `WAF web ACL ${acl.name}`, 1, "web ACL-month", PRICES.wafAclMonth.usd, PRICES.wafAclMonth);
    p.add(acl, `WAF rules × ${rules}`, rules, "rule-month", PRICES.wafRuleMonth.usd, PRICES.wafRuleMonth);
    p.add(acl, "WAF requests (load model: API requests a month)", traffic.apiRequests / 1e6, "million requests", PRICES.wafPerMillionRequests.usd, PRICES.wafPerMillionRequests, 0);
  }
}
