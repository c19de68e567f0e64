/**
 * The network's security groups: one per role, and every flow between them as data
 * ({@link ALLOWED_FLOWS}), created as separate ingress and egress rules. Nothing else gets in.
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { PORTS } from "../../sizing";
import type { StackIdentity } from "../component";

/** Security-group roles the platform uses. */
export const SECURITY_GROUP_ROLES = [
  "loadBalancer",
  "gateway",
  "workers",
  "database",
  "cache",
  "tritonLoadBalancer",
  "gpuNodes",
  "natInstance",
] as const;
export type SecurityGroupRole = (typeof SECURITY_GROUP_ROLES)[number];

/** One allowed flow: `to` accepts `port` from `from` (a role's security group, or a CIDR). */
export interface FlowRule {
  to: SecurityGroupRole;
  from: SecurityGroupRole | { cidr: string };
  port: number;
  description: string;
}

/**
 * Every flow the platform allows, as data (the architecture picture, in code). Nothing else gets in:
 * data stores and the GPU nodes accept only the roles listed; the internet reaches only the ALB.
 */
export const ALLOWED_FLOWS: readonly FlowRule[] = [
  { to: "loadBalancer", from: { cidr: "0.0.0.0/0" }, port: PORTS.https, description: "HTTPS from the internet" },
  { to: "loadBalancer", from: { cidr: "0.0.0.0/0" }, port: PORTS.http, description: "HTTP from the internet (redirected to HTTPS)" },
  { to: "gateway", from: "loadBalancer", port: PORTS.gateway, description: "ALB to the API containers" },
  { to: "database", from: "gateway", port: PORTS.postgres, description: "API to PostgreSQL" },
  { to: "database", from: "workers", port: PORTS.postgres, description: "Workers to PostgreSQL" },
  { to: "cache", from: "gateway", port: PORTS.redis, description: "API to Redis" },
  { to: "cache", from: "workers", port: PORTS.redis, description: "Workers to Redis (Celery results)" },
  // Clients reach Triton on gRPC over TLS only (components/inference/triton-tls.ts): Triton's HTTP
  // port has no TLS option, so no client flow reaches 8000.
  { to: "tritonLoadBalancer", from: "gateway", port: PORTS.tritonGrpc, description: "API to Triton gRPC (TLS)" },
  { to: "tritonLoadBalancer", from: "workers", port: PORTS.tritonGrpc, description: "Workers to Triton gRPC (TLS)" },
  { to: "gpuNodes", from: "tritonLoadBalancer", port: PORTS.tritonGrpc, description: "Triton NLB to Triton gRPC (TLS)" },
  // The NLB's health check: HTTP /v2/health/ready on 8000, a port with no listener (NLB health checks
  // speak TCP, HTTP or HTTPS only, and Triton's gRPC health needs gRPC).
  { to: "gpuNodes", from: "tritonLoadBalancer", port: PORTS.tritonHttp, description: "Triton NLB health check (no listener)" },
  // triton.endpoint privateDns (no NLB): the clients reach the Triton pods' VPC addresses directly.
  { to: "gpuNodes", from: "gateway", port: PORTS.tritonGrpc, description: "API to Triton pods gRPC (TLS; private DNS, no NLB)" },
  { to: "gpuNodes", from: "workers", port: PORTS.tritonGrpc, description: "Workers to Triton pods gRPC (TLS; private DNS, no NLB)" },
];

/** Roles whose traffic leaves the VPC (AWS APIs, image registries, model hubs) through NAT. */
export const OUTBOUND_ROLES: readonly SecurityGroupRole[] = ["gateway", "workers", "gpuNodes"];

/** One security group per role, without rules: the rules are separate resources ({@link createFlowRules}). */
export function createSecurityGroups(
  name: string,
  vpcId: pulumi.Input<string>,
  identity: StackIdentity,
  parent: pulumi.Resource,
): Record<SecurityGroupRole, aws.ec2.SecurityGroup> {
  const tags = identity.tags;
  const groups = {} as Record<SecurityGroupRole, aws.ec2.SecurityGroup>;
  for (const role of SECURITY_GROUP_ROLES) {
    groups[role] = new aws.ec2.SecurityGroup(
      `${name}-${role}-sg`,
      {
        vpcId,
        description: `${identity.project}/${identity.stack} ${role}`,
        // Rules are separate resources (below); inline rules would fight them on every update.
        tags: { ...tags, Name: `${identity.project}-${identity.stack}-${role}` },
      },
      { parent },
    );
  }
  return groups;
}

/** The ingress (and, where a source's egress is closed, egress) rules of {@link ALLOWED_FLOWS}, plus open egress for {@link OUTBOUND_ROLES}. */
export function createFlowRules(name: string, groups: Record<SecurityGroupRole, aws.ec2.SecurityGroup>, parent: pulumi.Resource): void {
  for (const flow of ALLOWED_FLOWS) {
    const source = typeof flow.from === "string" ? flow.from : "world";
    const ruleName = `${name}-${flow.to}-from-${source}-${flow.port}`;
    new aws.vpc.SecurityGroupIngressRule(
      ruleName,
      {
        securityGroupId: groups[flow.to].id,
        ipProtocol: "tcp",
        fromPort: flow.port,
        toPort: flow.port,
        description: flow.description,
        ...(typeof flow.from === "string"
          ? { referencedSecurityGroupId: groups[flow.from].id }
          : { cidrIpv4: flow.from.cidr }),
      },
      { parent },
    );
    // Stateful groups answer inbound flows by themselves; a source group also needs to be
    // allowed out towards its destination, unless it already has open egress.
    if (typeof flow.from === "string" && !OUTBOUND_ROLES.includes(flow.from)) {
      new aws.vpc.SecurityGroupEgressRule(
        `${name}-${flow.from}-to-${flow.to}-${flow.port}`,
        {
          securityGroupId: groups[flow.from].id,
          ipProtocol: "tcp",
          fromPort: flow.port,
          toPort: flow.port,
          referencedSecurityGroupId: groups[flow.to].id,
          description: flow.description,
        },
        { parent },
      );
    }
  }
  for (const role of OUTBOUND_ROLES) {
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-${role}-egress`,
      {
        securityGroupId: groups[role].id,
        ipProtocol: "-1",
        cidrIpv4: "0.0.0.0/0",
        description: "AWS APIs, registries and the internet through NAT",
      },
      { parent },
    );
  }
}
