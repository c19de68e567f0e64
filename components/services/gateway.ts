/**
 * Owns the public API, a thin variant over the service base (service.ts): the internet-facing
 * Application Load Balancer (TLS 1.3/1.2, HTTP→HTTPS redirect), its target group, listeners,
 * certificate and DNS alias, the WAF in prod (waf.ts), the FastAPI service in private subnets, and
 * its autoscaling on CPU and on requests per target.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DNS_RECORD_TTL_SECONDS, type GatewaySizing, NAME_LIMITS, PORTS, type SafetySizing, SERVICES } from "../../sizing";
import { applyTransform, PlatformComponent, physicalName, type StackContext, type Transform } from "../component";
import type { FargateCluster, ImageSource } from "./cluster";
import { dependencyEnvironment, type ServiceDependencies } from "./contract";
import { createFargateService, createServiceScalableTarget, type FargateServiceParts } from "./service";
import { createWebAcl } from "./waf";
import type { PolicyStatement } from "../iam";
import type { ObservedLoadBalancer, ObservedService } from "../observability";

export interface GatewayArgs {
  /** The stack: identity (names, tags), region, account, KMS key and log retention. */
  context: StackContext;
  /** Task size, task counts, scaling goals, health-check grace and WAF rate limit, from the tier table. */
  sizing: GatewaySizing;
  /** Safety switches: ALB deletion protection, WAF, access logs. */
  safety: Pick<SafetySizing, "deletionProtection" | "waf" | "accessLogs">;
  /** Where things run: the ALB in public subnets, tasks in private ones, each with its network security group. */
  network: {
    vpcId: pulumi.Input<string>;
    publicSubnetIds: pulumi.Input<string[]>;
    privateSubnetIds: pulumi.Input<string[]>;
    loadBalancerSecurityGroupId: pulumi.Input<string>;
    serviceSecurityGroupId: pulumi.Input<string>;
  };
  /** The shared ECS cluster. */
  cluster: FargateCluster;
  /** The API image (and its ECR repository, for pull permissions). */
  image: ImageSource;
  /**
   * TLS: an existing certificate, or a domain the stack requests one for (DNS-validated in
   * `hostedZoneId` when given). Neither: plain HTTP (dev only; config validation refuses it in prod).
   * @default `{}` (plain HTTP)
   * @example `{ domain: "api.example.com", hostedZoneId: "Z0123456789EXAMPLE" }`
   */
  tls?: { certificateArn?: string; domain?: string; hostedZoneId?: string };
  /**
   * Bucket for ALB access logs (written under `accessLogsPrefix`), when `safety.accessLogs` is on.
   * @default - no access logs
   */
  accessLogsBucket?: pulumi.Input<string>;
  /**
   * Key prefix of the ALB access logs in `accessLogsBucket` (the bucket policy admits ELB log delivery there).
   * @default `"alb"`
   */
  accessLogsPrefix?: string;
  /** Database, cache, buckets and Triton the API talks to; become environment variables and secrets. */
  dependencies: ServiceDependencies;
  /**
   * Job queue URL per priority; each becomes `<PRIORITY>_QUEUE_URL`.
   * @example `queues.urlsByPriority`
   */
  queueUrls: Record<string, pulumi.Input<string>>;
  /**
   * Triton's wake queue (the platform passes it at every tier): becomes `TRITON_WAKE_QUEUE_URL`. The API
   * sends one message when Triton has no ready endpoint and answers `503` with `Retry-After`
   * (docs/inference.md "Scale to zero and cold start"); grant it `inference.grantWake()`.
   * @default `undefined` (no `TRITON_WAKE_QUEUE_URL`: a gateway with no Triton to wake)
   */
  tritonWakeQueueUrl?: pulumi.Input<string>;
  /**
   * Everything the API may do, as statements (e.g. `queues.grantSend()`, `storage.grant("readWrite", "artifacts")`).
   * The task role gets these and nothing else.
   */
  taskPermissions: pulumi.Input<PolicyStatement[]>[];
  /**
   * Adjust the load balancer's or the ECS service's arguments without forking this component.
   * @default - no transform
   * @example `{ loadBalancer: { idleTimeout: 120 } }`
   * @example `{ service: (args) => ({ ...args, availabilityZoneRebalancing: "ENABLED" }) }`
   */
  transform?: { loadBalancer?: Transform<aws.lb.LoadBalancerArgs>; service?: Transform<aws.ecs.ServiceArgs> };
}

/**
 * The API gateway.
 *
 * ```ts
 * const gateway = new Gateway("gateway", { context, sizing: sizing.gateway, cluster: ecs, image: ecs.images.gateway, ... });
 * export const url = gateway.url;
 * ```
 *
 * **Cost**: ALB $0.0225/hour (~$16/month) + $0.008 per LCU-hour; Fargate ARM64 $0.03238 per
 * vCPU-hour + $0.00356 per GB-hour per task (spot ~65 % less, dev); WAF $5 per ACL + $1 per rule
 * (4 rules) per month + $0.60 per million requests (prod); logs $0.50/GB ingested.
 */
export class Gateway extends PlatformComponent {
  public readonly loadBalancer: aws.lb.LoadBalancer;
  public readonly targetGroup: aws.lb.TargetGroup;
  public readonly listeners: aws.lb.Listener[];
  public readonly service: aws.ecs.Service;
  public readonly parts: FargateServiceParts;
  public readonly webAcl?: aws.wafv2.WebAcl;
  public readonly certificate?: aws.acm.Certificate;
  /** `https://<domain>` (or `https://<alb dns>` with a certificate and no domain), else `http://<alb dns>`. */
  public readonly url: pulumi.Output<string>;
  public readonly loadBalancerDnsName: pulumi.Output<string>;
  public readonly loadBalancerArn: pulumi.Output<string>;
  /** For CloudWatch `LoadBalancer` dimensions. */
  public readonly loadBalancerArnSuffix: pulumi.Output<string>;
  /** For CloudWatch `TargetGroup` dimensions. */
  public readonly targetGroupArnSuffix: pulumi.Output<string>;
  public readonly serviceName: pulumi.Output<string>;
  public readonly clusterName: pulumi.Output<string>;
  public readonly logGroupName: pulumi.Output<string>;
  /** What Observability watches on the load balancer (its `loadBalancer`). */
  public readonly observedLoadBalancer: ObservedLoadBalancer;
  /** What Observability watches on the ECS service (one of its `services`). */
  public readonly observedService: ObservedService;
  /** DNS records to create by hand when a domain has no hosted zone here (else empty). */
  public readonly certificateValidationRecords: pulumi.Output<{ name: string; type: string; value: string }[]>;

  constructor(name: string, args: GatewayArgs, opts?: pulumi.ComponentResourceOptions) {
    super("services", "Gateway", name, opts);
    const tls = args.tls ?? {};
    const accessLogsBucket = args.safety.accessLogs ? args.accessLogsBucket : undefined;
    const accessLogsPrefix = args.accessLogsPrefix ?? "alb";
    const tags = args.context.identity.tags;
    const parent = this;

    this.loadBalancer = createLoadBalancer();
    this.targetGroup = createTargetGroup();
    const certificate = resolveCertificate();
    this.certificate = certificate.resource;
    this.certificateValidationRecords = certificate.manualRecords;
    this.listeners = createListeners(certificate.arn);
    if (args.safety.waf) {
      this.webAcl = createWebAcl(name, { context: args.context, loadBalancerArn: this.loadBalancer.arn, rateLimitPer5Min: args.sizing.wafRateLimitPer5Min }, this);
    }
    if (tls.domain && tls.hostedZoneId) createAliasRecord(tls.domain, tls.hostedZoneId);
    this.parts = createService();
    this.service = this.parts.service;
    createAutoscaling();

    this.loadBalancerDnsName = this.loadBalancer.dnsName;
    this.loadBalancerArn = this.loadBalancer.arn;
    this.loadBalancerArnSuffix = this.loadBalancer.arnSuffix;
    this.targetGroupArnSuffix = this.targetGroup.arnSuffix;
    this.serviceName = this.service.name;
    this.clusterName = args.cluster.clusterName;
    this.observedLoadBalancer = { arnSuffix: this.loadBalancerArnSuffix, targetGroupArnSuffix: this.targetGroupArnSuffix };
    this.observedService = { role: "gateway", serviceName: this.serviceName, clusterName: this.clusterName };
    this.logGroupName = this.parts.logGroup.name;
    this.url = certificate.arn
      ? tls.domain
        ? pulumi.output(`https://${tls.domain}`)
        : pulumi.interpolate`https://${this.loadBalancer.dnsName}`
      : pulumi.interpolate`http://${this.loadBalancer.dnsName}`;

    this.registerOutputs({
      url: this.url,
      loadBalancerDnsName: this.loadBalancerDnsName,
      loadBalancerArn: this.loadBalancerArn,
      loadBalancerArnSuffix: this.loadBalancerArnSuffix,
      targetGroupArnSuffix: this.targetGroupArnSuffix,
      serviceName: this.serviceName,
      clusterName: this.clusterName,
      logGroupName: this.logGroupName,
      certificateValidationRecords: this.certificateValidationRecords,
    });

    function createLoadBalancer(): aws.lb.LoadBalancer {
      const loadBalancerArgs: aws.lb.LoadBalancerArgs = {
        name: physicalName(args.context.identity, "api", NAME_LIMITS.loadBalancer),
        loadBalancerType: "application",
        internal: false,
        subnets: args.network.publicSubnetIds,
        securityGroups: [args.network.loadBalancerSecurityGroupId],
        enableDeletionProtection: args.safety.deletionProtection,
        // Requests with malformed header names never reach the app (FSBP ELB.4); `defensive`
        // blocks request-smuggling shapes while keeping compatible clients working (ELB.12).
        dropInvalidHeaderFields: true,
        desyncMitigationMode: "defensive",
        accessLogs: accessLogsBucket ? { bucket: accessLogsBucket, prefix: accessLogsPrefix, enabled: true } : undefined,
        tags,
      };
      return new aws.lb.LoadBalancer(parent.childName("alb"), applyTransform(args.transform?.loadBalancer, loadBalancerArgs), { parent });
    }

    function createTargetGroup(): aws.lb.TargetGroup {
      const hc = SERVICES.healthCheck;
      return new aws.lb.TargetGroup(
        parent.childName("targets"),
        {
          // Fargate tasks register by IP (awsvpc networking).
          targetType: "ip",
          port: PORTS.gateway,
          protocol: "HTTP",
          vpcId: args.network.vpcId,
          deregistrationDelay: SERVICES.deregistrationDelaySeconds,
          healthCheck: {
            enabled: true,
            path: SERVICES.healthCheckPath,
            protocol: "HTTP",
            port: "traffic-port",
            matcher: "200",
            interval: hc.intervalSeconds,
            timeout: hc.timeoutSeconds,
            healthyThreshold: hc.healthyThreshold,
            unhealthyThreshold: hc.unhealthyThreshold,
          },
          tags,
        },
        { parent },
      );
    }

    /**
     * The listener certificate: the configured ARN, or one requested for the domain. With a hosted
     * zone the stack writes the validation record and waits for issuance; without one, `pulumi up`
     * waits until someone adds the exported records at their DNS provider.
     */
    function resolveCertificate(): {
      arn?: pulumi.Output<string>;
      resource?: aws.acm.Certificate;
      manualRecords: pulumi.Output<{ name: string; type: string; value: string }[]>;
    } {
      if (tls.certificateArn) return { arn: pulumi.output(tls.certificateArn), manualRecords: pulumi.output([]) };
      if (!tls.domain) return { manualRecords: pulumi.output([]) };
      const cert = new aws.acm.Certificate(
        parent.childName("certificate"),
        { domainName: tls.domain, validationMethod: "DNS", tags },
        { parent },
      );
      const records = cert.domainValidationOptions.apply((options) =>
        options.map((o) => ({ name: o.resourceRecordName, type: o.resourceRecordType, value: o.resourceRecordValue })),
      );
      let validationRecordFqdns: pulumi.Input<string>[] | undefined;
      if (tls.hostedZoneId) {
        const record = new aws.route53.Record(
          parent.childName("certificate-validation-record"),
          {
            zoneId: tls.hostedZoneId,
            name: records.apply((r) => r[0].name),
            type: records.apply((r) => r[0].type),
            records: [records.apply((r) => r[0].value)],
            ttl: DNS_RECORD_TTL_SECONDS,
            allowOverwrite: true,
          },
          { parent },
        );
        validationRecordFqdns = [record.fqdn];
      }
      const validation = new aws.acm.CertificateValidation(
        parent.childName("certificate-validation"),
        { certificateArn: cert.arn, validationRecordFqdns },
        { parent },
      );
      return {
        arn: validation.certificateArn,
        resource: cert,
        manualRecords: tls.hostedZoneId ? pulumi.output([]) : records,
      };
    }

    function createListeners(certificateArn: pulumi.Output<string> | undefined): aws.lb.Listener[] {
      const forward = [{ type: "forward", targetGroupArn: parent.targetGroup.arn }];
      if (!certificateArn) {
        // Dev without a certificate or domain: plain HTTP (config validation warns; prod refuses it).
        return [
          new aws.lb.Listener(
            parent.childName("http"),
            { loadBalancerArn: parent.loadBalancer.arn, port: PORTS.http, protocol: "HTTP", defaultActions: forward, tags },
            { parent },
          ),
        ];
      }
      const https = new aws.lb.Listener(
        parent.childName("https"),
        {
          loadBalancerArn: parent.loadBalancer.arn,
          port: PORTS.https,
          protocol: "HTTPS",
          sslPolicy: SERVICES.sslPolicy,
          certificateArn,
          defaultActions: forward,
          tags,
        },
        { parent },
      );
      const redirect = new aws.lb.Listener(
        parent.childName("http"),
        {
          loadBalancerArn: parent.loadBalancer.arn,
          port: PORTS.http,
          protocol: "HTTP",
          defaultActions: [
            { type: "redirect", redirect: { protocol: "HTTPS", port: String(PORTS.https), statusCode: "HTTP_301" } },
          ],
          tags,
        },
        { parent },
      );
      return [https, redirect];
    }

    function createAliasRecord(domain: string, zoneId: string): aws.route53.Record {
      return new aws.route53.Record(
        parent.childName("alias"),
        {
          zoneId,
          name: domain,
          type: "A",
          aliases: [{ name: parent.loadBalancer.dnsName, zoneId: parent.loadBalancer.zoneId, evaluateTargetHealth: true }],
        },
        { parent },
      );
    }

    function createService(): FargateServiceParts {
      const deps = dependencyEnvironment(args.dependencies);
      const environment: Record<string, pulumi.Input<string>> = {
        ...deps.environment,
        PORT: String(PORTS.gateway),
        LOG_FORMAT: "json",
      };
      for (const [priority, url] of Object.entries(args.queueUrls)) environment[`${priority.toUpperCase()}_QUEUE_URL`] = url;
      if (args.tritonWakeQueueUrl !== undefined) environment.TRITON_WAKE_QUEUE_URL = args.tritonWakeQueueUrl;
      return createFargateService(
        parent.childName("api"),
        {
          context: args.context,
          role: "gateway",
          cluster: args.cluster,
          image: args.image,
          cpu: args.sizing.cpu,
          memoryMiB: args.sizing.memoryMiB,
          desiredCount: args.sizing.minTasks,
          spot: args.sizing.spot,
          subnetIds: args.network.privateSubnetIds,
          securityGroupIds: [args.network.serviceSecurityGroupId],
          port: PORTS.gateway,
          healthCheckPath: SERVICES.healthCheckPath,
          environment,
          secrets: deps.secrets,
          taskPermissions: args.taskPermissions,
          loadBalancers: [{ targetGroupArn: parent.targetGroup.arn, containerName: "gateway", containerPort: PORTS.gateway }],
          healthCheckGraceSeconds: args.sizing.healthCheckGraceSeconds,
          // The target group must be attached to a listener before a service can register into it.
          dependsOn: parent.listeners,
          transformService: (serviceArgs) => applyTransform(args.transform?.service, serviceArgs),
        },
        parent,
      );
    }

    function createAutoscaling(): void {
      const target = createServiceScalableTarget(
        parent.childName("scaling-target"),
        { cluster: args.cluster, service: parent.service, minTasks: args.sizing.minTasks, maxTasks: args.sizing.maxTasks },
        parent,
      );
      const cooldowns = { scaleInCooldown: SERVICES.scaleInCooldownSeconds, scaleOutCooldown: SERVICES.scaleOutCooldownSeconds };
      new aws.appautoscaling.Policy(
        parent.childName("scale-on-cpu"),
        {
          policyType: "TargetTrackingScaling",
          resourceId: target.resourceId,
          scalableDimension: target.scalableDimension,
          serviceNamespace: target.serviceNamespace,
          targetTrackingScalingPolicyConfiguration: {
            predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
            targetValue: args.sizing.cpuTargetPercent,
            ...cooldowns,
          },
        },
        { parent },
      );
      // I/O-bound handlers (waiting on Triton, the database) saturate before CPU shows it; request
      // count per target catches that load.
      new aws.appautoscaling.Policy(
        parent.childName("scale-on-requests"),
        {
          policyType: "TargetTrackingScaling",
          resourceId: target.resourceId,
          scalableDimension: target.scalableDimension,
          serviceNamespace: target.serviceNamespace,
          targetTrackingScalingPolicyConfiguration: {
            predefinedMetricSpecification: {
              predefinedMetricType: "ALBRequestCountPerTarget",
              resourceLabel: pulumi.interpolate`${parent.loadBalancer.arnSuffix}/${parent.targetGroup.arnSuffix}`,
            },
            targetValue: args.sizing.requestsPerTargetPerMinute,
            ...cooldowns,
          },
        },
        { parent },
      );
    }
  }
}
