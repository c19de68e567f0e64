/**
 * The API gateway for every shipped stack × tier: the ALB and its listeners (HTTPS + redirect, or
 * plain HTTP in dev without TLS), certificate handling, WAF in prod only, the Fargate service's
 * networking and hardening, secrets by reference, autoscaling bounds, and least-privilege roles.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { WAF_MANAGED_RULE_GROUPS } from "../../components/services/waf";
import { PORTS, PRIORITIES, SERVICES } from "../../sizing";
import { json, named, ofType, type RenderedGraph, renderStack, rendered, single, stackTierMatrix, type Captured, statementsOf } from "../support/graph";

const container = (g: RenderedGraph, task: string) => json<Record<string, unknown>[]>(named(g, task).inputs.containerDefinitions)[0];
/** Environment names that would hold a credential: those belong in `secrets`. */
const SECRET_LOOKING = /PASSWORD|SECRET|TOKEN|CREDENTIAL|PRIVATE|API_?KEY|ACCESS_?KEY/i;

describe.each(stackTierMatrix())("gateway of $stack at $tier", ({ stack, tier }) => {
  it("puts an internet-facing, hardened ALB in the public subnets behind the load-balancer security group", async () => {
    const g = await rendered(stack, tier);
    const alb = named(g, "gateway-alb").inputs;
    const { safety } = g.config.sizing;
    expect(alb).toMatchObject({ loadBalancerType: "application", internal: false, dropInvalidHeaderFields: true, desyncMitigationMode: "defensive" });
    expect(alb.enableDeletionProtection).toBe(safety.deletionProtection);
    expect(alb.enableDeletionProtection).toBe(g.config.environment === "prod");
    expect(alb.securityGroups).toEqual([named(g, "network-loadBalancer-sg").id]);
    const privateSubnets = g.outputs.privateSubnetIds as string[];
    expect((alb.subnets as string[]).length).toBe(g.config.sizing.network.availabilityZones);
    expect((alb.subnets as string[]).some((s) => privateSubnets.includes(s))).toBe(false);
    if (safety.accessLogs) {
      expect(alb.accessLogs).toEqual({ bucket: g.outputs.logsBucket, prefix: "alb", enabled: true });
    } else {
      expect(alb.accessLogs).toBeUndefined();
    }
  });

  it("serves HTTPS with a TLS 1.3 policy and redirects HTTP when it has a certificate, else plain HTTP (dev only)", async () => {
    const g = await rendered(stack, tier);
    const listeners = ofType(g, "aws:lb/listener:Listener").filter((l) => l.name.startsWith("gateway-"));
    const tg = named(g, "gateway-targets");
    const hasTls = Boolean(g.config.certificateArn || g.config.domain);
    if (g.config.environment === "prod") expect(hasTls).toBe(true);
    if (hasTls) {
      expect(listeners.map((l) => l.inputs.port).sort()).toEqual([PORTS.http, PORTS.https].sort());
      const https = named(g, "gateway-https").inputs;
      expect(https).toMatchObject({ protocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06" });
      expect(https.certificateArn).toMatch(/^arn:aws:acm:us-east-1:/);
      expect(https.defaultActions).toEqual([expect.objectContaining({ type: "forward", targetGroupArn: tg.inputs.arn ?? expect.stringContaining("targetgroup/") })]);
      const http = named(g, "gateway-http").inputs;
      expect(http.protocol).toBe("HTTP");
      expect(http.defaultActions).toEqual([
        expect.objectContaining({ type: "redirect", redirect: expect.objectContaining({ protocol: "HTTPS", port: "443", statusCode: "HTTP_301" }) }),
      ]);
      expect(g.outputs.apiUrl).toMatch(/^https:\/\//);
    } else {
      expect(listeners).toHaveLength(1);
      expect(listeners[0].inputs).toMatchObject({ port: PORTS.http, protocol: "HTTP" });
      expect(listeners[0].inputs.defaultActions).toEqual([expect.objectContaining({ type: "forward" })]);
      expect(g.outputs.apiUrl).toMatch(/^http:\/\/.*elb\.amazonaws\.com$/);
      expect(g.config.warnings.join("\n")).toMatch(/plain HTTP/);
    }
  });

  it("requests and DNS-validates a certificate for the configured domain, with an alias record", async () => {
    const g = await rendered(stack, tier);
    const certs = ofType(g, "aws:acm/certificate:Certificate");
    if (!g.config.domain || g.config.certificateArn) {
      expect(certs).toHaveLength(0);
      return;
    }
    expect(certs.map((c) => c.inputs)).toEqual([expect.objectContaining({ domainName: g.config.domain, validationMethod: "DNS" })]);
    const record = named(g, "gateway-certificate-validation-record").inputs;
    expect(record).toMatchObject({ zoneId: g.config.hostedZoneId, type: "CNAME" });
    expect(record.name).toMatch(new RegExp(`\\.${g.config.domain!.replace(/\./g, "\\.")}\\.$`));
    const validation = named(g, "gateway-certificate-validation").inputs;
    expect(validation.validationRecordFqdns).toHaveLength(1);
    expect(named(g, "gateway-https").inputs.certificateArn).toBe(validation.certificateArn);
    const alias = named(g, "gateway-alias").inputs;
    expect(alias).toMatchObject({ zoneId: g.config.hostedZoneId, name: g.config.domain, type: "A" });
    expect(alias.aliases).toEqual([expect.objectContaining({ evaluateTargetHealth: true, name: expect.stringContaining("elb.amazonaws.com") })]);
    expect(g.outputs.apiUrl).toBe(`https://${g.config.domain}`);
  });

  it("checks target health on /health over ip targets with the configured deregistration delay", async () => {
    const g = await rendered(stack, tier);
    const tg = named(g, "gateway-targets").inputs;
    expect(tg).toMatchObject({ targetType: "ip", port: PORTS.gateway, protocol: "HTTP", deregistrationDelay: SERVICES.deregistrationDelaySeconds });
    expect(tg.healthCheck).toMatchObject({ enabled: true, path: "/health", matcher: "200" });
  });

  it("has a WAF web ACL with the managed rule groups and the tier's rate limit in prod, none in dev", async () => {
    const g = await rendered(stack, tier);
    const acls = ofType(g, "aws:wafv2/webAcl:WebAcl");
    if (!g.config.sizing.safety.waf) {
      expect(g.config.environment).toBe("dev");
      expect(acls).toHaveLength(0);
      expect(ofType(g, "aws:wafv2/webAclAssociation:WebAclAssociation")).toHaveLength(0);
      return;
    }
    expect(acls).toHaveLength(1);
    const acl = acls[0].inputs;
    expect(acl).toMatchObject({ scope: "REGIONAL", defaultAction: { allow: {} } });
    const rules = acl.rules as Captured[];
    expect(rules.map((r) => r.name).sort()).toEqual([...WAF_MANAGED_RULE_GROUPS, "rate-limit-per-ip"].sort());
    expect(WAF_MANAGED_RULE_GROUPS).toEqual(
      expect.arrayContaining(["AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesAmazonIpReputationList"]),
    );
    expect(new Set(rules.map((r) => r.priority)).size).toBe(rules.length);
    for (const rule of rules) {
      expect(rule.visibilityConfig).toMatchObject({ cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true });
      if (rule.statement.managedRuleGroupStatement) {
        expect(rule.overrideAction).toEqual({ none: {} });
        expect(rule.statement.managedRuleGroupStatement.vendorName).toBe("AWS");
      }
    }
    // Inference inputs above 8 KB must reach the API: the Core rule set's body-size rule only counts.
    const crs = rules.find((r) => r.name === "AWSManagedRulesCommonRuleSet")!.statement.managedRuleGroupStatement;
    expect(crs.ruleActionOverrides).toEqual([{ name: "SizeRestrictions_BODY", actionToUse: { count: {} } }]);
    for (const r of rules.filter((x) => x.name !== "AWSManagedRulesCommonRuleSet" && x.statement.managedRuleGroupStatement)) {
      expect(r.statement.managedRuleGroupStatement.ruleActionOverrides, r.name).toBeUndefined();
    }
    const rate = rules.find((r) => r.name === "rate-limit-per-ip")!;
    expect(rate.action).toEqual({ block: {} });
    expect(rate.statement.rateBasedStatement).toEqual({ limit: g.config.sizing.gateway.wafRateLimitPer5Min, aggregateKeyType: "IP" });
    expect((acl.visibilityConfig as Record<string, unknown>).cloudwatchMetricsEnabled).toBe(true);

    const association = named(g, "gateway-waf-association").inputs;
    expect(association.webAclArn).toMatch(/^arn:aws:wafv2:/);
    expect(association.resourceArn).toMatch(/loadbalancer\/app\//);
    const logging = named(g, "gateway-waf-logging").inputs;
    const wafLogs = named(g, "gateway-waf-logs").inputs;
    expect(wafLogs.name).toMatch(/^aws-waf-logs-/);
    expect(logging.logDestinationConfigs).toEqual([expect.stringContaining(`log-group:${String(wafLogs.name)}`)]);
  });

  it("runs the service in private subnets without a public IP, with circuit breaker and the tier's task size", async () => {
    const g = await rendered(stack, tier);
    const svc = named(g, "gateway-api-service").inputs;
    const s = g.config.sizing.gateway;
    expect(svc.networkConfiguration).toEqual({
      subnets: g.outputs.privateSubnetIds,
      securityGroups: [named(g, "network-gateway-sg").id],
      assignPublicIp: false,
    });
    expect(svc.deploymentCircuitBreaker).toEqual({ enable: true, rollback: true });
    expect(svc).toMatchObject({ desiredCount: s.minTasks, platformVersion: "LATEST", healthCheckGracePeriodSeconds: s.healthCheckGraceSeconds });
    expect(svc.enableExecuteCommand).toBe(false);
    expect(svc.capacityProviderStrategies).toEqual([{ capacityProvider: s.spot ? "FARGATE_SPOT" : "FARGATE", weight: 1 }]);
    expect(s.spot).toBe(g.config.environment === "dev");
    expect(svc.loadBalancers).toEqual([expect.objectContaining({ containerName: "gateway", containerPort: PORTS.gateway })]);
    const task = named(g, "gateway-api-task").inputs;
    expect(task).toMatchObject({ cpu: String(s.cpu), memory: String(s.memoryMiB), networkMode: "awsvpc", requiresCompatibilities: ["FARGATE"] });
    expect(task.runtimePlatform).toEqual({ operatingSystemFamily: "LINUX", cpuArchitecture: "ARM64" });
    expect(task.executionRoleArn).not.toBe(task.taskRoleArn);
  });

  it("hardens the container and injects credentials only as secret references", async () => {
    const g = await rendered(stack, tier);
    const c = container(g, "gateway-api-task") as Captured;
    expect(c).toMatchObject({ readonlyRootFilesystem: true, user: SERVICES.containerUser, privileged: false });
    expect(c.user).not.toMatch(/^0|root/);
    expect(c.mountPoints).toEqual([expect.objectContaining({ containerPath: "/tmp", readOnly: false })]);
    expect(c.logConfiguration).toMatchObject({ logDriver: "awslogs", options: expect.objectContaining({ mode: "non-blocking" }) });
    expect(c.logConfiguration.options["awslogs-group"]).toBe(`/inference-platform/${stack}/ecs/gateway`);
    const env = Object.fromEntries((c.environment as { name: string; value: string }[]).map((e) => [e.name, e.value]));
    expect(Object.keys(env).filter((k) => SECRET_LOOKING.test(k))).toEqual([]);
    expect(Object.values(env).some((v) => v.includes("mock-password-"))).toBe(false);
    for (const key of ["DATABASE_HOST", "DATABASE_READER_HOST", "DATABASE_PORT", "DATABASE_NAME", "REDIS_HOST", "REDIS_PORT", "TRITON_GRPC_URL", "TRITON_GRPC_CA_PEM"]) {
      expect(env[key], key).toBeTruthy();
    }
    // Triton over gRPC with TLS only: its name, and the CA (public) that verifies it; no plain HTTP URL.
    expect(env.TRITON_GRPC_URL).toBe(g.outputs.tritonGrpcUrl);
    expect(env.TRITON_GRPC_CA_PEM).toBe(g.outputs.tritonGrpcCaPem);
    expect(env.TRITON_GRPC_CA_PEM).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(env).not.toHaveProperty("TRITON_HTTP_URL");
    expect(Object.values(env).some((v) => v.includes("PRIVATE KEY"))).toBe(false);
    for (const p of PRIORITIES) expect(env[`${p.toUpperCase()}_QUEUE_URL`]).toBe((g.outputs.jobQueueUrls as Record<string, string>)[p]);
    const secrets = c.secrets as { name: string; valueFrom: string }[];
    // The database is reached with IAM authentication (test/components/database-auth.test.ts): no password.
    expect(secrets.map((s) => s.name).sort()).toEqual(["REDIS_AUTH_TOKEN"]);
    for (const s of secrets) expect(s.valueFrom).toMatch(/^arn:aws:secretsmanager:us-east-1:123456789012:secret:/);
    expect(secrets.find((s) => s.name === "REDIS_AUTH_TOKEN")!.valueFrom).toBe(`${String(g.outputs.cacheAuthSecretArn)}:authToken::`);
  });

  it("autoscales between the tier's bounds on CPU and on requests per target", async () => {
    const g = await rendered(stack, tier);
    const s = g.config.sizing.gateway;
    const target = named(g, "gateway-scaling-target").inputs;
    expect(target).toMatchObject({ minCapacity: s.minTasks, maxCapacity: s.maxTasks, scalableDimension: "ecs:service:DesiredCount", serviceNamespace: "ecs" });
    expect(target.resourceId).toBe(`service/inference-platform-${stack}-services/gateway`);
    expect(s.minTasks).toBeGreaterThanOrEqual(g.config.environment === "prod" ? 2 : 1);
    const cpu = named(g, "gateway-scale-on-cpu").inputs.targetTrackingScalingPolicyConfiguration as Captured;
    expect(cpu.predefinedMetricSpecification.predefinedMetricType).toBe("ECSServiceAverageCPUUtilization");
    expect(cpu.targetValue).toBe(s.cpuTargetPercent);
    const req = named(g, "gateway-scale-on-requests").inputs.targetTrackingScalingPolicyConfiguration as Captured;
    expect(req.predefinedMetricSpecification.predefinedMetricType).toBe("ALBRequestCountPerTarget");
    expect(req.predefinedMetricSpecification.resourceLabel).toMatch(/^app\/[^/]+\/[0-9a-f]+\/targetgroup\/[^/]+\/[0-9a-f]+$/);
    expect(req.targetValue).toBe(s.requestsPerTargetPerMinute);
  });

  it("gives the task role only queue sends and artifact access, and the execution role only its secrets", async () => {
    const g = await rendered(stack, tier);
    const task = statementsOf(g, "gateway-api-task-policy");
    const actions = task.flatMap((s) => [s.Action].flat());
    expect(actions.filter((a) => a === "*" || a.endsWith(":*"))).toEqual([]);
    expect(task.flatMap((s) => [s.Resource].flat()).filter((r) => r === "*")).toEqual([]);
    expect([...new Set(actions.filter((a) => a.startsWith("sqs:")))].sort()).toEqual(["sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:SendMessage"]);
    const s3Resources = task.filter((s) => [s.Action].flat().some((a) => a.startsWith("s3:"))).flatMap((s) => [s.Resource].flat());
    expect(s3Resources.every((r) => r.includes("-artifacts-"))).toBe(true);
    expect(actions).not.toContain("secretsmanager:GetSecretValue");

    const exec = statementsOf(g, "gateway-api-execution-policy");
    for (const s of exec) {
      if ([s.Resource].flat().includes("*")) expect(s.Action).toBe("ecr:GetAuthorizationToken");
    }
    const secretRead = exec.find((s) => s.Sid === "ReadInjectedSecrets")!;
    expect([secretRead.Resource].flat()).toEqual([g.outputs.cacheAuthSecretArn]);
    expect(named(g, "gateway-api-task-role").inputs.assumeRolePolicy).toContain("ecs-tasks.amazonaws.com");
  });
});

describe("gateway certificate variants", () => {
  it("uses a configured certificateArn as is: no certificate request, no validation", async () => {
    const arn = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-0000-4000-8000-1234567890ab";
    const g = await rendered("prod", "1k", { certificateArn: arn });
    expect(ofType(g, "aws:acm/certificate:Certificate")).toHaveLength(0);
    expect(ofType(g, "aws:acm/certificateValidation:CertificateValidation")).toHaveLength(0);
    expect(named(g, "gateway-https").inputs.certificateArn).toBe(arn);
  });

  it("requests a certificate for a domain without a zone, exports its validation records and warns", async () => {
    const g = await rendered("dev", "1k", { domain: "api.dev.example.com" });
    expect(ofType(g, "aws:acm/certificate:Certificate")).toHaveLength(1);
    expect(ofType(g, "aws:route53/record:Record").filter((r) => r.name.startsWith("gateway-"))).toHaveLength(0);
    expect(named(g, "gateway-certificate-validation").inputs.validationRecordFqdns).toBeUndefined();
    expect(g.outputs.certificateValidationRecords).toEqual([
      expect.objectContaining({ type: "CNAME", name: expect.stringContaining("api.dev.example.com") }),
    ]);
    expect(g.config.warnings.join("\n")).toMatch(/hostedZoneId/);
    expect(named(g, "gateway-https").inputs.sslPolicy).toBe(SERVICES.sslPolicy);
  });
});

describe("gateway names for a long stack name", () => {
  it("keeps the ALB within its 32-character name rules and the WAF names within theirs", async () => {
    const stack = "staging-eu-central";
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "platform-stack-"));
    fs.copyFileSync(path.join(__dirname, "../../Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), "config:\n  aws:region: us-east-1\n  inference-platform:tier: 10k\n");
    const g = await renderStack({ stack, projectDir: dir, config: { overrides: JSON.stringify({ safety: { waf: true } }) } });
    const albName = String(named(g, "gateway-alb").inputs.name);
    expect(`inference-platform-${stack}-api`.length).toBeGreaterThan(32);
    expect(albName.length).toBeLessThanOrEqual(32);
    // ELB: alphanumerics and hyphens, no leading or trailing hyphen, not starting with "internal-".
    expect(albName).toMatch(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/);
    expect(albName).not.toMatch(/^internal-/);
    const acl = single(g, "aws:wafv2/webAcl:WebAcl").inputs;
    expect(String(acl.name).length).toBeLessThanOrEqual(128);
    expect(named(g, "gateway-waf-logs").inputs.name).toBe(`aws-waf-logs-${String(acl.name)}`);
  });
});
