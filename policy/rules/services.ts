/**
 * The request path: ECS Fargate services and task definitions, the Application Load Balancer and
 * its listeners, and the WAF web ACL in front of it.
 */
import { imagePinProblem } from "../references";
import {
  arr,
  get,
  graphRule,
  obj,
  ofTypes,
  type Obj,
  ownersWithout,
  parseJson,
  resourceRule,
  type Rule,
  str,
} from "../types";

const SERVICE = ["aws:ecs/service:Service"];
const TASK = ["aws:ecs/taskDefinition:TaskDefinition"];
const LB = ["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"];
const LISTENER = ["aws:lb/listener:Listener", "aws:alb/listener:Listener"];
const TARGET_GROUP = ["aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup"];
const WEB_ACL = ["aws:wafv2/webAcl:WebAcl"];

/** Container definitions of a task definition (a JSON string input; unknown in preview → []). */
export function containersOf(i: Obj): Obj[] {
  return arr(parseJson(i.containerDefinitions)).filter((c): c is Obj => !!obj(c));
}

/** A task-definition rule that names the first offending container. */
function perContainer(test: (c: Obj, task: Obj) => string | undefined) {
  return (i: Obj) => {
    for (const c of containersOf(i)) {
      const problem = test(c, i);
      if (problem) return `container ${String(c.name ?? "?")}: ${problem}`;
    }
    return undefined;
  };
}

const SECRET_NAME = /(pass(word)?|secret|token|api[_-]?key|private[_-]?key|credential)/i;

/**
 * True when an image reference is valid and pinned: a digest, or a tag other than latest in any case,
 * by the OCI grammar config uses too (policy/references.ts); `app:LATEST` and `app:*` are not pinned.
 */
export function imagePinned(image: string): boolean {
  return imagePinProblem(image) === undefined;
}

const isPublicLb = (i: Obj) => i.internal !== true && (i.loadBalancerType ?? "application") === "application";

function statementRules(i: Obj): Obj[] {
  const rules = i.rules !== undefined ? arr(i.rules) : arr(parseJson(i.ruleJson));
  return rules.filter((r): r is Obj => !!obj(r));
}

export const serviceRules: Rule[] = [
  // ---- ECS ----
  resourceRule(
    { id: "ecs-service-no-public-ip", description: "ECS tasks get no public IP (they sit in private subnets behind NAT).", severity: "high", enforcement: "mandatory", controls: { checkov: ["CKV_AWS_333"], fsbp: ["ECS.2"] } },
    SERVICE,
    (i) => (get(i, "networkConfiguration.assignPublicIp") === true ? "networkConfiguration.assignPublicIp is true" : undefined),
  ),
  resourceRule(
    { id: "ecs-fargate-latest-platform", description: "Fargate services run the LATEST platform version.", severity: "low", enforcement: "advisory", controls: { checkov: ["CKV_AWS_332"], fsbp: ["ECS.10"] } },
    SERVICE,
    (i) => (i.platformVersion === undefined || i.platformVersion === "LATEST" ? undefined : `platformVersion pinned to ${String(i.platformVersion)}`),
  ),
  resourceRule(
    { id: "ecs-service-circuit-breaker", description: "Deployments roll back automatically when new tasks fail to start.", severity: "medium", enforcement: "mandatory", controls: {} },
    SERVICE,
    (i) => (get(i, "deploymentCircuitBreaker.enable") === true && get(i, "deploymentCircuitBreaker.rollback") === true ? undefined : "deploymentCircuitBreaker {enable, rollback} must both be true"),
  ),
  resourceRule(
    { id: "ecs-cluster-container-insights", description: "ECS clusters have Container Insights on.", severity: "low", enforcement: "advisory", controls: { checkov: ["CKV_AWS_65"], fsbp: ["ECS.12"] } },
    ["aws:ecs/cluster:Cluster"],
    (i) => {
      const s = arr(i.settings).find((x) => get(x, "name") === "containerInsights");
      return ["enabled", "enhanced"].includes(String(get(s, "value"))) ? undefined : "setting containerInsights is not enabled";
    },
  ),
  resourceRule(
    { id: "ecs-task-not-privileged", description: "No container runs privileged.", severity: "critical", enforcement: "mandatory", controls: { checkov: ["CKV_AWS_334"], fsbp: ["ECS.4"] } },
    TASK,
    perContainer((c) => (c.privileged === true ? "privileged is true" : undefined)),
  ),
  resourceRule(
    { id: "ecs-task-readonly-root", description: "Containers mount their root filesystem read-only.", severity: "medium", enforcement: "mandatory", controls: { checkov: ["CKV_AWS_336"], fsbp: ["ECS.5"] } },
    TASK,
    perContainer((c) => (c.readonlyRootFilesystem === true ? undefined : "readonlyRootFilesystem is not true")),
  ),
  resourceRule(
    { id: "ecs-task-no-host-pid", description: "Task definitions do not share the host's process namespace.", severity: "high", enforcement: "mandatory", controls: { checkov: ["CKV_AWS_335"], fsbp: ["ECS.3"] } },
    TASK,
    (i) => (i.pidMode === "host" ? "pidMode is host" : undefined),
  ),
  resourceRule(
    { id: "ecs-task-logging", description: "Every container ships its logs (logConfiguration set).", severity: "medium", enforcement: "mandatory", controls: { fsbp: ["ECS.9"] } },
    TASK,
    perContainer((c) => (obj(c.logConfiguration)?.logDriver ? undefined : "no logConfiguration")),
  ),
  resourceRule(
    { id: "ecs-task-no-env-secrets", description: "No secret-looking variable in plain environment; secrets come by reference (secrets[].valueFrom).", severity: "critical", enforcement: "mandatory", controls: { fsbp: ["ECS.8"] } },
    TASK,
    perContainer((c) => {
      const leaked = arr(c.environment).find((e) => SECRET_NAME.test(String(get(e, "name"))) && !/_(ARN|NAME|ID|URL)$/.test(String(get(e, "name"))));
      return leaked ? `environment variable ${String(get(leaked, "name"))} looks like a secret; use secrets[].valueFrom` : undefined;
    }),
  ),
  resourceRule(
    { id: "ecs-task-split-roles", description: "The task role (what the app may do) is not the execution role (what ECS may do).", severity: "medium", enforcement: "mandatory", controls: { checkov: ["CKV_AWS_249"] } },
    TASK,
    (i) => (i.taskRoleArn !== undefined && i.taskRoleArn === i.executionRoleArn ? "taskRoleArn equals executionRoleArn" : undefined),
  ),
  resourceRule(
    { id: "ecs-task-pinned-image", description: "Container images are pinned (a tag other than latest, or a digest).", severity: "high", enforcement: "mandatory", controls: {} },
    TASK,
    perContainer((c) => (typeof c.image !== "string" || imagePinned(c.image) ? undefined : `image ${String(c.image)} is not pinned`)),
  ),
  resourceRule(
    { id: "ecs-task-non-root-user", description: "Containers run as a non-root user.", severity: "medium", enforcement: "advisory", controls: {} },
    TASK,
    perContainer((c) => (c.user !== undefined && !["root", "0", "0:0"].includes(String(c.user)) ? undefined : "user is root or unset")),
  ),

  // ---- Load balancing ----
  resourceRule(
    { id: "alb-http-redirects-to-https", description: "HTTP listeners only redirect to HTTPS.", severity: "high", enforcement: "mandatory", controls: { checkov: ["CKV2_AWS_20", "CKV_AWS_2"], fsbp: ["ELB.1"] } },
    LISTENER,
    (i) => {
      if (i.protocol !== "HTTP") return undefined;
      const ok = arr(i.defaultActions).every((a) => get(a, "type") === "redirect" && get(a, "redirect.protocol") === "HTTPS");
      return ok && arr(i.defaultActions).length > 0 ? undefined : "an HTTP listener must redirect to HTTPS";
    },
  ),
  resourceRule(
    { id: "alb-tls-policy", description: "HTTPS listeners use a TLS 1.2+ security policy.", severity: "high", enforcement: "mandatory", controls: { checkov: ["CKV_AWS_103"], fsbp: ["ELB.17"] } },
    LISTENER,
    (i) => {
      if (i.protocol !== "HTTPS" && i.protocol !== "TLS") return undefined;
      const p = String(i.sslPolicy ?? "");
      return /^ELBSecurityPolicy-(TLS13|TLS-1-2|FS-1-2)/.test(p) ? undefined : `sslPolicy ${p || "(default)"} allows TLS below 1.2`;
    },
  ),
  resourceRule(
    { id: "alb-drop-invalid-headers", description: "The ALB drops invalid HTTP header fields (request smuggling).", severity: "medium", enforcement: "mandatory", controls: { checkov: ["CKV_AWS_131"], fsbp: ["ELB.4"] } },
    LB,
    (i) => ((i.loadBalancerType ?? "application") !== "application" || i.dropInvalidHeaderFields === true ? undefined : "dropInvalidHeaderFields must be true"),
  ),
  resourceRule(
    { id: "alb-access-logs", description: "Load balancers write access logs.", severity: "medium", enforcement: "mandatory", controls: { checkov: ["CKV_AWS_91"], fsbp: ["ELB.5"] } },
    LB,
    (i) => (get(i, "accessLogs.enabled") === true && get(i, "accessLogs.bucket") ? undefined : "accessLogs.enabled must be true with a bucket"),
  ),
  resourceRule(
    { id: "alb-deletion-protection", description: "Load balancers have deletion protection.", severity: "medium", enforcement: "mandatory", controls: { checkov: ["CKV_AWS_150"], fsbp: ["ELB.6"] } },
    LB,
    (i) => (i.enableDeletionProtection === true ? undefined : "enableDeletionProtection must be true"),
  ),
  resourceRule(
    { id: "alb-desync-mitigation", description: "ALB desync mitigation is defensive or strictest.", severity: "medium", enforcement: "mandatory", controls: { checkov: ["CKV_AWS_328"], fsbp: ["ELB.12"] } },
    LB,
    (i) => (i.desyncMitigationMode === undefined || ["defensive", "strictest"].includes(String(i.desyncMitigationMode)) ? undefined : `desyncMitigationMode is ${String(i.desyncMitigationMode)}`),
  ),
  resourceRule(
    { id: "alb-multi-az", description: "Load balancers span at least two subnets (AZs).", severity: "medium", enforcement: "mandatory", controls: { fsbp: ["ELB.13"] } },
    LB,
    (i) => {
      const n = arr(i.subnets).length + arr(i.subnetMappings).length;
      return i.subnets === undefined && i.subnetMappings === undefined ? undefined : n >= 2 ? undefined : `only ${n} subnet(s)`;
    },
  ),
  resourceRule(
    { id: "lb-target-group-health-check", description: "Target groups health-check a path.", severity: "medium", enforcement: "mandatory", controls: { checkov: ["CKV_AWS_261"] } },
    TARGET_GROUP,
    (i) => {
      if (get(i, "healthCheck.enabled") === false) return "healthCheck is disabled";
      if (["HTTP", "HTTPS"].includes(String(i.protocol)) && !str(get(i, "healthCheck.path"))) return "healthCheck.path is not set";
      return undefined;
    },
  ),

  // ---- WAF ----
  graphRule(
    { id: "alb-has-waf", description: "Every internet-facing ALB is associated with a WAF web ACL.", severity: "high", enforcement: "mandatory", controls: { checkov: ["CKV2_AWS_28"], fsbp: ["ELB.16"] } },
    [...LB, "aws:wafv2/webAclAssociation:WebAclAssociation"],
    (graph) =>
      ownersWithout(ofTypes(graph, LB).filter((lb) => isPublicLb(lb.inputs)), ofTypes(graph, ["aws:wafv2/webAclAssociation:WebAclAssociation"]), (a) => a.inputs.resourceArn).map(
        ({ owner }) => ({ resource: owner, message: "internet-facing ALB has no WAF web ACL association" }),
      ),
  ),
  resourceRule(
    { id: "waf-has-rules", description: "Web ACLs have rules, each with an action or override action.", severity: "high", enforcement: "mandatory", controls: { checkov: ["CKV_AWS_175", "CKV_AWS_342"], fsbp: ["WAF.10"] } },
    WEB_ACL,
    (i) => {
      const rules = statementRules(i);
      if (rules.length === 0) return "web ACL has no rules";
      const bad = rules.find((r) => !obj(r.action) && !obj(r.overrideAction) && !obj(r.Action) && !obj(r.OverrideAction));
      return bad ? `rule ${String(bad.name ?? bad.Name)} has no action` : undefined;
    },
  ),
  resourceRule(
    { id: "waf-known-bad-inputs", description: "Web ACLs include AWSManagedRulesKnownBadInputsRuleSet (Log4j and similar).", severity: "high", enforcement: "mandatory", controls: { checkov: ["CKV_AWS_192", "CKV2_AWS_76"] } },
    WEB_ACL,
    (i) => (JSON.stringify(statementRules(i)).includes("AWSManagedRulesKnownBadInputsRuleSet") ? undefined : "AWSManagedRulesKnownBadInputsRuleSet is missing"),
  ),
  resourceRule(
    { id: "waf-rate-limit", description: "Web ACLs rate-limit requests per client IP.", severity: "medium", enforcement: "mandatory", controls: {} },
    WEB_ACL,
    (i) => (JSON.stringify(statementRules(i)).match(/rateBasedStatement|RateBasedStatement/) ? undefined : "no rate-based rule"),
  ),
  resourceRule(
    { id: "waf-metrics", description: "Web ACLs publish CloudWatch metrics.", severity: "low", enforcement: "mandatory", controls: { fsbp: ["WAF.12"] } },
    WEB_ACL,
    (i) => (get(i, "visibilityConfig.cloudwatchMetricsEnabled") === true ? undefined : "visibilityConfig.cloudwatchMetricsEnabled must be true"),
  ),
  graphRule(
    { id: "waf-logging", description: "Every web ACL has a logging configuration.", severity: "medium", enforcement: "advisory", controls: { checkov: ["CKV2_AWS_31"], fsbp: ["WAF.11"] } },
    [...WEB_ACL, "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration"],
    (graph) =>
      ownersWithout(ofTypes(graph, WEB_ACL), ofTypes(graph, ["aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration"]), (l) => l.inputs.resourceArn).map(({ owner }) => ({
        resource: owner,
        message: "web ACL has no logging configuration",
      })),
  ),
];
