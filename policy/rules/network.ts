/**
 * Network exposure. The architecture allows exactly one thing from the internet: the ALB on 443/80.
 * Data stores accept only the platform's own security groups; tasks and nodes sit in private subnets.
 */
import { cidrWithin, opensToInternet } from "../cidr";
import { arr, get, graphRule, obj, ofTypes, type PolicyGraph, type PolicyResource, resourceRule, type Rule, str } from "../types";

const SG = "aws:ec2/securityGroup:SecurityGroup";
const SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";
const SG_INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const INGRESS_TYPES = [SG, SG_RULE, SG_INGRESS];
const LB = ["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"];
/** "From the internet" is coverage of the address space (policy/cidr.ts), not the string 0.0.0.0/0. */
const fromWorld = (g: Ingress) => opensToInternet(g.cidrs);
const ADMIN_PORTS = [22, 3389];
/**
 * The only ports the internet may reach, and only on the public ALB. The pack is published on its own
 * and imports nothing of the program; test/policy/ports.test.ts ties these to sizing/constants.ts PORTS.
 */
export const PUBLIC_PORTS = [80, 443];

/** One ingress permission, normalised over the three ways to write one. */
export interface Ingress {
  resource: PolicyResource;
  /** The group receiving traffic: its id (rule resources) or the group resource itself (inline rules). */
  group: string | PolicyResource | undefined;
  cidrs: string[];
  sourceGroups: string[];
  fromPort: number;
  toPort: number;
  protocol: string;
  description?: string;
}

export function ingressOf(graph: PolicyGraph): Ingress[] {
  const out: Ingress[] = [];
  for (const r of ofTypes(graph, INGRESS_TYPES)) {
    const i = r.inputs;
    if (r.type === SG) {
      for (const rule of arr(i.ingress)) {
        out.push({
          resource: r,
          group: r,
          cidrs: [...arr(get(rule, "cidrBlocks")), ...arr(get(rule, "ipv6CidrBlocks"))].map(String),
          sourceGroups: arr(get(rule, "securityGroups")).map(String),
          fromPort: Number(get(rule, "fromPort") ?? 0),
          toPort: Number(get(rule, "toPort") ?? 65535),
          protocol: String(get(rule, "protocol") ?? "-1"),
          description: str(get(rule, "description")),
        });
      }
    } else if (r.type === SG_RULE) {
      if (i.type !== "ingress") continue;
      out.push({
        resource: r,
        group: str(i.securityGroupId),
        cidrs: [...arr(i.cidrBlocks), ...arr(i.ipv6CidrBlocks)].map(String),
        sourceGroups: [i.sourceSecurityGroupId].filter((x) => typeof x === "string") as string[],
        fromPort: Number(i.fromPort ?? 0),
        toPort: Number(i.toPort ?? 65535),
        protocol: String(i.protocol ?? "-1"),
        description: str(i.description),
      });
    } else {
      out.push({
        resource: r,
        group: str(i.securityGroupId),
        cidrs: [i.cidrIpv4, i.cidrIpv6].filter((x) => typeof x === "string") as string[],
        sourceGroups: [i.referencedSecurityGroupId].filter((x) => typeof x === "string") as string[],
        fromPort: Number(i.fromPort ?? 0),
        toPort: Number(i.toPort ?? 65535),
        protocol: String(i.ipProtocol ?? "-1"),
        description: str(i.description),
      });
    }
  }
  return out;
}

const allPorts = (g: Ingress) => g.protocol === "-1" || g.protocol === "all";
const covers = (g: Ingress, port: number) => allPorts(g) || (g.fromPort <= port && port <= g.toPort);

/**
 * The group an ingress permission belongs to is unknown: a first real preview shows no id for a
 * security group that does not exist yet (and the rule's `securityGroupId` is computed from it).
 */
const groupUnknown = (g: Ingress) => (typeof g.group === "string" ? false : g.group === undefined || g.group.id === undefined);

/** Ports of the data stores the platform runs (PostgreSQL, Redis); tied to PORTS by test/policy/ports.test.ts. */
export const DATA_STORE_PORTS = [5432, 6379];

/** True when an ingress permission belongs to one of these security groups (by id or inline). */
function onGroups(g: Ingress, groupIds: Set<string>): boolean {
  const id = typeof g.group === "string" ? g.group : g.group?.id;
  return id !== undefined && groupIds.has(id);
}

const isInternetFacing = (lb: PolicyResource) => lb.inputs.internal !== true;

function internetFacingGroups(graph: PolicyGraph): Set<string> {
  return new Set(ofTypes(graph, LB).filter(isInternetFacing).flatMap((lb) => arr(lb.inputs.securityGroups).filter((x): x is string => typeof x === "string")));
}

/** Subnets the internet-facing load balancers use: by construction, the public subnets. */
function publicSubnets(graph: PolicyGraph): Set<string> {
  return new Set(
    ofTypes(graph, LB)
      .filter(isInternetFacing)
      .flatMap((lb) => [...arr(lb.inputs.subnets), ...arr(lb.inputs.subnetMappings).map((m) => get(m, "subnetId"))].map(String)),
  );
}

/** Data-store security groups: what RDS and ElastiCache attach. */
function dataStoreGroups(graph: PolicyGraph): Set<string> {
  return new Set([
    ...ofTypes(graph, ["aws:rds/instance:Instance", "aws:rds/cluster:Cluster", "aws:rds/clusterInstance:ClusterInstance"]).flatMap((r) => arr(r.inputs.vpcSecurityGroupIds).filter((x): x is string => typeof x === "string")),
    ...ofTypes(graph, ["aws:elasticache/replicationGroup:ReplicationGroup"]).flatMap((r) => arr(r.inputs.securityGroupIds).filter((x): x is string => typeof x === "string")),
  ]);
}

const K8S_INTERNAL_ANNOTATIONS: Record<string, string> = {
  "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
  "service.beta.kubernetes.io/aws-load-balancer-internal": "true",
};

export const networkRules: Rule[] = [
  resourceRule(
    { id: "sg-no-world-admin-ports", description: "No security group admits SSH (22) or RDP (3389) from the internet (blocks covering a large part of the IPv4 or IPv6 space, not only 0.0.0.0/0 or ::/0).", severity: "critical", enforcement: "mandatory", controls: { checkov: ["CKV_AWS_24", "CKV_AWS_25"], fsbp: ["EC2.13", "EC2.14"] } },
    INGRESS_TYPES,
    (_i, r) => {
      const bad = ingressOf({ resources: [r] }).find((g) => fromWorld(g) && ADMIN_PORTS.some((p) => covers(g, p)));
      return bad ? `admits ${bad.fromPort}-${bad.toPort} from the internet` : undefined;
    },
  ),
  resourceRule(
    { id: "sg-rule-descriptions", description: "Every security group rule says what flow it allows.", severity: "low", enforcement: "advisory", controls: { checkov: ["CKV_AWS_23"] } },
    INGRESS_TYPES,
    (_i, r) => (ingressOf({ resources: [r] }).some((g) => !g.description) ? "an ingress rule has no description" : undefined),
  ),
  resourceRule(
    { id: "default-sg-closed", description: "The VPC's default security group allows nothing.", severity: "medium", enforcement: "mandatory", controls: { checkov: ["CKV2_AWS_12"], fsbp: ["EC2.2"] } },
    ["aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"],
    (i) => (arr(i.ingress).length === 0 && arr(i.egress).length === 0 ? undefined : "default security group has rules"),
  ),
  resourceRule(
    { id: "subnet-no-auto-public-ip", description: "Subnets do not hand out public IPs on launch.", severity: "medium", enforcement: "advisory", controls: { checkov: ["CKV_AWS_130"], fsbp: ["EC2.15"] } },
    ["aws:ec2/subnet:Subnet"],
    (i) => (i.mapPublicIpOnLaunch === true ? "mapPublicIpOnLaunch is true" : undefined),
  ),
  graphRule(
    { id: "vpc-flow-logs", description: "Every VPC has flow logs.", severity: "medium", enforcement: "mandatory", controls: { checkov: ["CKV2_AWS_11"], fsbp: ["EC2.6"] } },
    ["awsx:ec2:Vpc", "aws:ec2/vpc:Vpc", "aws:ec2/flowLog:FlowLog"],
    (graph) => {
      // awsx's VPC is one opaque resource under mocks (its vpc id is not in the graph): count, don't join.
      // In a real preview the engine also reports the component's own aws:ec2/vpc:Vpc child (URN type
      // chain `...awsx:ec2:Vpc$aws:ec2/vpc:Vpc`): that is the same VPC, not a second one to log.
      const plain = ofTypes(graph, ["aws:ec2/vpc:Vpc"]);
      const awsxChildren = plain.filter((v) => v.urn.includes("awsx:ec2:Vpc$aws:ec2/vpc:Vpc::")).length;
      const opaqueAwsx = ofTypes(graph, ["awsx:ec2:Vpc"]).slice(awsxChildren);
      const vpcs = [...plain, ...opaqueAwsx];
      const logs = ofTypes(graph, ["aws:ec2/flowLog:FlowLog"]).filter((f) => f.inputs.vpcId !== undefined);
      return logs.length >= vpcs.length ? [] : vpcs.map((v) => ({ resource: v, message: "VPC has no flow log" }));
    },
  ),
  graphRule(
    { id: "world-ingress-only-on-alb", description: "Only the internet-facing ALB's security group admits the internet (any blocks covering a large part of the address space), and only on 80 and 443.", severity: "critical", enforcement: "mandatory", controls: { checkov: ["CKV_AWS_260", "CKV_AWS_277"], fsbp: ["EC2.18", "EC2.19"] } },
    INGRESS_TYPES,
    (graph) => {
      const albGroups = internetFacingGroups(graph);
      return ingressOf(graph)
        .filter(fromWorld)
        .flatMap((g) => {
          // Preview before the groups exist: which group is unknown, but the ports are not. The internet
          // may reach 80/443 only, whatever the group; anything else is judged now, not waved through.
          if (groupUnknown(g)) {
            if (allPorts(g) || !(g.fromPort === g.toPort && PUBLIC_PORTS.includes(g.fromPort)))
              return [{ resource: g.resource, message: `admits the internet on ${allPorts(g) ? "all ports" : `${g.fromPort}-${g.toPort}`} (security group not known yet); only ${PUBLIC_PORTS.join(", ")} on the ALB` }];
            return [];
          }
          if (!onGroups(g, albGroups)) return [{ resource: g.resource, message: "admits the internet on a security group that is not the public ALB's" }];
          if (allPorts(g) || !(g.fromPort === g.toPort && PUBLIC_PORTS.includes(g.fromPort)))
            return [{ resource: g.resource, message: `the ALB admits the internet on ${allPorts(g) ? "all ports" : `${g.fromPort}-${g.toPort}`}; only ${PUBLIC_PORTS.join(", ")}` }];
          return [];
        });
    },
  ),
  graphRule(
    { id: "datastore-ingress-from-platform-groups", description: "RDS and ElastiCache security groups admit only the platform's security groups (no CIDR ingress).", severity: "critical", enforcement: "mandatory", controls: {} },
    [...INGRESS_TYPES, "aws:rds/instance:Instance", "aws:elasticache/replicationGroup:ReplicationGroup"],
    (graph) => {
      const stores = dataStoreGroups(graph);
      const known = new Set(ofTypes(graph, [SG]).map((sg) => sg.id).filter((id): id is string => !!id));
      // Preview before the groups exist: a CIDR admitted on a data-store port to a group nobody can
      // name yet is judged as if it were the data store's (nothing else listens there).
      // One shape is exempt from that guess: all traffic from inside the platform's own VPC, which is
      // what a NAT instance admits to forward egress (components/network/). Once the ids exist, every
      // later preview judges that rule by its group, so a data store opened this way is still caught.
      const vpcCidrs = ofTypes(graph, ["awsx:ec2:Vpc", "aws:ec2/vpc:Vpc"]).map((v) => v.inputs.cidrBlock).filter((c): c is string => typeof c === "string");
      const natShape = (g: Ingress) => allPorts(g) && g.cidrs.every((c) => vpcCidrs.some((v) => cidrWithin(c, v)));
      const unknownOnStorePort = (g: Ingress) => groupUnknown(g) && g.cidrs.length > 0 && !natShape(g) && DATA_STORE_PORTS.some((p) => covers(g, p));
      return ingressOf(graph)
        .filter((g) => onGroups(g, stores) || unknownOnStorePort(g))
        .flatMap((g) => {
          if (g.cidrs.length > 0) return [{ resource: g.resource, message: `data store admits CIDR ${g.cidrs.join(", ")}; only platform security groups may connect` }];
          const foreign = g.sourceGroups.filter((s) => known.size > 0 && !known.has(s));
          return foreign.length > 0 ? [{ resource: g.resource, message: `data store admits security group ${foreign.join(", ")} that the platform does not own` }] : [];
        });
    },
  ),
  graphRule(
    { id: "only-alb-internet-facing", description: "Nothing but the ALB is internet-facing: no other public load balancer or Kubernetes LoadBalancer Service, no public IPs on tasks, no tasks, nodes or data stores in the ALB's (public) subnets.", severity: "critical", enforcement: "mandatory", controls: { checkov: ["CKV_AWS_333"], fsbp: ["ECS.2", "RDS.2"] } },
    [...LB, "aws:ecs/service:Service", "aws:eks/nodeGroup:NodeGroup", "aws:rds/subnetGroup:SubnetGroup", "aws:elasticache/subnetGroup:SubnetGroup", "kubernetes:core/v1:Service", "kubernetes:networking.k8s.io/v1:Ingress"],
    (graph) => {
      const out: { resource: PolicyResource; message: string }[] = [];
      const publicLbs = ofTypes(graph, LB).filter(isInternetFacing);
      for (const lb of publicLbs) {
        if ((lb.inputs.loadBalancerType ?? "application") !== "application") out.push({ resource: lb, message: "an internet-facing load balancer that is not the ALB" });
      }
      if (publicLbs.filter((lb) => (lb.inputs.loadBalancerType ?? "application") === "application").length > 1) {
        for (const lb of publicLbs.slice(1)) out.push({ resource: lb, message: "more than one internet-facing ALB" });
      }
      const pub = publicSubnets(graph);
      const inPublic = (ids: unknown) => arr(ids).map(String).filter((s) => pub.has(s));
      for (const svc of ofTypes(graph, ["aws:ecs/service:Service"])) {
        if (get(svc.inputs, "networkConfiguration.assignPublicIp") === true) out.push({ resource: svc, message: "ECS service assigns public IPs" });
        if (inPublic(get(svc.inputs, "networkConfiguration.subnets")).length > 0) out.push({ resource: svc, message: "ECS service runs in the ALB's public subnets" });
      }
      for (const [type, key] of [
        ["aws:eks/nodeGroup:NodeGroup", "subnetIds"],
        ["aws:rds/subnetGroup:SubnetGroup", "subnetIds"],
        ["aws:elasticache/subnetGroup:SubnetGroup", "subnetIds"],
      ] as const) {
        for (const r of ofTypes(graph, [type])) {
          if (inPublic(r.inputs[key]).length > 0) out.push({ resource: r, message: `${type.split(":").pop()} uses the ALB's public subnets` });
        }
      }
      for (const svc of ofTypes(graph, ["kubernetes:core/v1:Service"])) {
        if (get(svc.inputs, "spec.type") !== "LoadBalancer") continue;
        const annotations = obj(get(svc.inputs, "metadata.annotations")) ?? {};
        const internal = Object.entries(K8S_INTERNAL_ANNOTATIONS).some(([k, v]) => String(annotations[k]) === v);
        if (!internal) out.push({ resource: svc, message: "Kubernetes LoadBalancer Service is not annotated internal" });
      }
      // An Ingress the AWS Load Balancer Controller turns into a second internet-facing ALB. Its
      // default scheme is internal (annotation alb.ingress.kubernetes.io/scheme, LBC docs
      // https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/).
      for (const ing of ofTypes(graph, ["kubernetes:networking.k8s.io/v1:Ingress"])) {
        const annotations = obj(get(ing.inputs, "metadata.annotations")) ?? {};
        if (String(annotations["alb.ingress.kubernetes.io/scheme"]) === "internet-facing") out.push({ resource: ing, message: "Kubernetes Ingress creates an internet-facing load balancer" });
      }
      return out;
    },
  ),
];
