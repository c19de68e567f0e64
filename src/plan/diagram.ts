/**
 * The architecture diagram, drawn from the rendered graph: one Graphviz cluster per top-level
 * component holding its notable resources, solid edges for the network flows the security groups
 * allow (components/network/security-groups.ts ALLOWED_FLOWS, attached to whichever resource uses each role's
 * group), dashed edges where one component's inputs reference another's resources (ARNs, ids,
 * names). Rendered to SVG offline with Graphviz compiled to WebAssembly (@viz-js/viz).
 */
import { ALLOWED_FLOWS, type SecurityGroupRole } from "../../components/network";
import type { RenderedResource } from "./harness";
import { mockResource } from "./mocks";
import { deepStrings, GraphIndex, obj, type PlanGraph } from "./model";

/** Resource types worth a box in the picture, with a short label. */
const NOTABLE: Record<string, string> = {
  "awsx:ec2:Vpc": "VPC",
  "aws:ec2/vpcEndpoint:VpcEndpoint": "VPC endpoint",
  "aws:ec2/flowLog:FlowLog": "Flow log",
  "aws:kms/key:Key": "KMS key",
  "aws:lb/loadBalancer:LoadBalancer": "Load balancer",
  "aws:wafv2/webAcl:WebAcl": "WAF web ACL",
  "aws:ecs/cluster:Cluster": "ECS cluster",
  "aws:ecs/service:Service": "Fargate service",
  "aws:sqs/queue:Queue": "SQS queue",
  "aws:rds/instance:Instance": "RDS PostgreSQL",
  "aws:elasticache/replicationGroup:ReplicationGroup": "ElastiCache",
  "aws:s3/bucket:Bucket": "S3 bucket",
  "aws:ecr/repository:Repository": "ECR repository",
  "aws:secretsmanager/secret:Secret": "Secret",
  "aws:eks/cluster:Cluster": "EKS cluster",
  "aws:eks/nodeGroup:NodeGroup": "Node group",
  "kubernetes:apps/v1:Deployment": "Deployment",
  "kubernetes:apps/v1:DaemonSet": "DaemonSet",
  "kubernetes:helm.sh/v4:Chart": "Helm chart",
  "kubernetes:keda.sh/v1alpha1:ScaledObject": "KEDA ScaledObject",
  "kubernetes:autoscaling/v2:HorizontalPodAutoscaler": "HPA",
  "aws:cloudwatch/dashboard:Dashboard": "Dashboard",
  "aws:cloudwatch/metricAlarm:MetricAlarm": "Alarm",
  "aws:cloudwatch/logGroup:LogGroup": "Log group",
  "aws:sns/topic:Topic": "SNS topic",
  "aws:budgets/budget:Budget": "Budget",
};
/** More than this many of one type in a component collapse into one "N ×" box. */
const COLLAPSE_ABOVE = 4;
/** Components everyone uses: references to them would only add noise. */
const UBIQUITOUS = new Set(["keys", "network", "aws"]);

function esc(s: string): string {
  return s.replace(/\\/g, "\\\\").replace(/"/g, '\\"');
}
function nodeId(s: string): string {
  return `n_${s.replace(/[^A-Za-z0-9_]/g, "_")}`;
}

function isLoadBalancerService(r: RenderedResource): boolean {
  return r.type === "kubernetes:core/v1:Service" && obj(r.inputs.spec).type === "LoadBalancer";
}

export interface DiagramModel {
  components: { name: string; resourceCount: number; nodes: { id: string; label: string }[] }[];
  flows: { from: string; to: string; label: string }[];
  references: { from: string; to: string }[];
}

/** The picture as data (clusters, boxes, edges), before it becomes DOT. */
export function diagramModel(graph: PlanGraph): DiagramModel {
  const index = new GraphIndex(graph);
  const tops = index.topLevelComponents().filter((c) => c.type.startsWith("platform:") || c.type.startsWith("awsx:"));
  const byComponent = new Map<string, RenderedResource[]>();
  for (const r of index.resources) {
    if (!r.custom && r.type.startsWith("platform:")) continue;
    const c = index.componentOf(r);
    if (!tops.some((t) => t.name === c)) continue;
    byComponent.set(c, [...(byComponent.get(c) ?? []), r]);
  }

  // Boxes: notable resources, collapsed per type when numerous. `boxOf` maps a resource to its box.
  const boxOf = new Map<string, string>();
  const components: DiagramModel["components"] = tops.map((top) => {
    const resources = byComponent.get(top.name) ?? [];
    const nodes: { id: string; label: string }[] = [];
    const byType = new Map<string, RenderedResource[]>();
    for (const r of resources) {
      if (!(r.type in NOTABLE) && !isLoadBalancerService(r)) continue;
      byType.set(r.type, [...(byType.get(r.type) ?? []), r]);
    }
    for (const [type, rs] of byType) {
      const kind = type === "kubernetes:core/v1:Service" ? "Service (NLB)" : NOTABLE[type];
      if (rs.length > COLLAPSE_ABOVE) {
        const id = nodeId(`${top.name}_${type}`);
        nodes.push({ id, label: `${rs.length} × ${kind}` });
        rs.forEach((r) => boxOf.set(r.urn, id));
      } else {
        for (const r of rs) {
          const id = nodeId(r.urn);
          nodes.push({ id, label: `${kind}\n${r.name}` });
          boxOf.set(r.urn, id);
        }
      }
    }
    if (nodes.length === 0) nodes.push({ id: nodeId(`${top.name}_component`), label: top.name });
    return { name: top.name, resourceCount: resources.filter((r) => r.custom).length, nodes };
  });
  const anchorOf = (component: string) => components.find((c) => c.name === component)?.nodes[0]?.id;

  // Which box uses each role's security group: the first notable resource outside the network
  // whose inputs mention the group's id.
  const sgIdByRole = new Map<SecurityGroupRole, string>();
  for (const sg of index.ofType("aws:ec2/securityGroup:SecurityGroup")) {
    const role = /-([A-Za-z]+)-sg$/.exec(sg.name)?.[1] as SecurityGroupRole | undefined;
    if (role && sg.id) sgIdByRole.set(role, sg.id);
  }
  const roleBox = new Map<SecurityGroupRole, string>();
  for (const [role, sgId] of sgIdByRole) {
    const users = index.resources.filter((r) => r.custom && index.componentOf(r) !== "network" && deepStrings(r.inputs).includes(sgId));
    // Prefer a resource with a box of its own (the ECS service, the database); else a boxed resource
    // that refers to a user (the node groups built from a launch template that carries the group);
    // else the box of its component.
    const boxed =
      users.find((r) => boxOf.has(r.urn)) ??
      index.resources.find((r) => boxOf.has(r.urn) && users.some((u) => u.id && deepStrings(r.inputs).includes(u.id)));
    if (boxed) roleBox.set(role, boxOf.get(boxed.urn)!);
    else if (users[0]) {
      const component = components.find((c) => c.name === index.componentOf(users[0]));
      const nodeGroupBox = component?.nodes.find((n) => n.label.startsWith(NOTABLE["aws:eks/nodeGroup:NodeGroup"]));
      const box = nodeGroupBox ?? component?.nodes[0];
      if (box) roleBox.set(role, box.id);
    }
  }
  const flowMap = new Map<string, { from: string; to: string; ports: Set<number> }>();
  for (const flow of ALLOWED_FLOWS) {
    const to = roleBox.get(flow.to);
    const from = typeof flow.from === "string" ? roleBox.get(flow.from) : "internet";
    if (!to || !from) continue;
    const key = `${from}->${to}`;
    const entry = flowMap.get(key) ?? { from, to, ports: new Set<number>() };
    entry.ports.add(flow.port);
    flowMap.set(key, entry);
  }
  const flows = [...flowMap.values()].map((f) => ({ from: f.from, to: f.to, label: [...f.ports].join(", ") }));

  // References between components: an input of one equals an id/ARN/name another's resource has.
  const owner = new Map<string, string>();
  for (const r of index.resources) {
    if (!r.custom) continue;
    const c = index.componentOf(r);
    const state = mockResource({ type: r.type, name: r.name, inputs: r.inputs, provider: "", id: r.id, custom: true }).state as Record<string, unknown>;
    for (const v of [r.id, state.arn, state.url, state.repositoryUrl, state.bucket, state.name]) {
      if (typeof v === "string" && v.length >= 8) owner.set(v, c);
    }
  }
  const refSet = new Set<string>();
  for (const r of index.resources) {
    const from = index.componentOf(r);
    for (const s of deepStrings(r.inputs)) {
      const to = owner.get(s) ?? owner.get(s.replace(/\/\*$/, ""));
      if (to && to !== from && !UBIQUITOUS.has(to) && !UBIQUITOUS.has(from)) refSet.add(`${from}\u0000${to}`);
    }
  }
  const references = [...refSet]
    .map((k) => k.split("\u0000"))
    .filter(([from, to]) => anchorOf(from) && anchorOf(to))
    .map(([from, to]) => ({ from, to }));
  return { components, flows, references };
}

/** Graphviz DOT source of the diagram. */
export function toDot(graph: PlanGraph, title: string): string {
  const model = diagramModel(graph);
  const out: string[] = [
    "digraph architecture {",
    `  graph [compound=true, rankdir=LR, fontname="Helvetica", fontsize=12, label="${esc(title)}", labelloc=t, nodesep=0.3, ranksep=0.8];`,
    '  node [shape=box, style="rounded,filled", fillcolor="#f7f7f7", fontname="Helvetica", fontsize=10];',
    '  edge [fontname="Helvetica", fontsize=9];',
    '  internet [label="Internet", shape=ellipse, fillcolor="#dbe9ff"];',
  ];
  model.components.forEach((c) => {
    out.push(`  subgraph "cluster_${esc(c.name)}" {`);
    out.push(`    label="${esc(c.name)} (${c.resourceCount} resources)"; style="rounded"; color="#888888";`);
    for (const n of c.nodes) out.push(`    ${n.id} [label="${esc(n.label)}"];`);
    out.push("  }");
  });
  for (const f of model.flows) out.push(`  ${f.from} -> ${f.to} [label="${esc(f.label)}", color="#1f5fbf"];`);
  for (const r of model.references) {
    const from = model.components.find((c) => c.name === r.from)!.nodes[0].id;
    const to = model.components.find((c) => c.name === r.to)!.nodes[0].id;
    out.push(`  ${from} -> ${to} [style=dashed, color="#888888", ltail="cluster_${esc(r.from)}", lhead="cluster_${esc(r.to)}"];`);
  }
  out.push("}");
  return out.join("\n");
}

/** Renders DOT to SVG with Graphviz (WebAssembly, offline). */
export async function renderSvg(dot: string): Promise<string> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const viz = (await (require("@viz-js/viz") as typeof import("@viz-js/viz")).instance());
  return viz.renderString(dot, { format: "svg" });
}
