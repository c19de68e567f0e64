/**
 * Triton Inference Server: namespace, IRSA service account (read-only on the model prefix),
 * Deployment (gRPC over TLS: components/inference/triton-tls.ts), internal NLB Service, PodDisruptionBudget,
 * NetworkPolicy, and the KEDA ScaledObject that scales it to zero where the tier allows (triton-scaler.ts).
 */
import type * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  DISRUPTION,
  PORTS,
  TRITON_PRIVATE_DNS,
  TRITON_ROLLOUT,
  TRITON_TIMINGS,
  type TritonSizing,
} from "../../sizing";
import { applyTransform, type StackContext, type Transform } from "../component";
import type { PolicyStatement } from "../iam";
import { createIrsaRole, GPU_SCHEDULING, type IrsaContext } from "./shared";
import { GPU_RESOURCE, LB_READINESS_GATE_LABEL, NAMESPACES, TRITON_USER_ID } from "./constants";
import { createTritonScaler, type WakeQueue } from "./triton-scaler";
import { createTritonTls, type TritonTls } from "./triton-tls";

export type { WakeQueue } from "./triton-scaler";

export interface TritonArgs extends IrsaContext {
  /** The stack: its region (the SDK's region in the pod, KEDA's triggers). */
  context: StackContext;
  clusterName: string;
  image: string;
  sizing: TritonSizing;
  modelBucketName: pulumi.Input<string>;
  modelRepositoryPrefix: string;
  modelReadStatements: pulumi.Input<PolicyStatement[]>;
  /** The network's `tritonLoadBalancer` security group, attached to the NLB. */
  loadBalancerSecurityGroupId: pulumi.Input<string>;
  /** CIDRs allowed to reach 8000/8001 (the NLB with ip targets forwards from its private addresses; kubelet probes). */
  clientCidrs: pulumi.Input<string[]>;
  metricsNamespace: string;
  wakeQueues: WakeQueue[];
  /**
   * Triton's one name at every tier, `triton.<zone>` (components/inference/private-dns.ts), which
   * ExternalDNS points at the ready pods (`triton.endpoint: privateDns`, headless Service, no NLB) or
   * at the internal NLB (`loadBalancer`), and which the server certificate is for.
   * @example `"triton.inference-platform-prod.internal"`
   */
  hostname: string;
  /**
   * Adjusts the Deployment's arguments (InferenceArgs `transform.tritonDeployment`).
   * @default - The arguments as built.
   */
  deploymentTransform?: Transform<k8s.apps.v1.DeploymentArgs>;
}

export interface Triton {
  namespace: k8s.core.v1.Namespace;
  role: aws.iam.Role;
  serviceAccount: k8s.core.v1.ServiceAccount;
  deployment: k8s.apps.v1.Deployment;
  service: k8s.core.v1.Service;
  podDisruptionBudget?: k8s.policy.v1.PodDisruptionBudget;
  networkPolicy: k8s.networking.v1.NetworkPolicy;
  triggerAuthentication: k8s.apiextensions.CustomResource;
  scaledObject: k8s.apiextensions.CustomResource;
  /** The CA, server certificate and Secret of the gRPC TLS endpoint. */
  tls: TritonTls;
  /** `triton.<zone>:8001` at every tier (gRPC clients take host:port, no scheme; TLS, verified against `tls.caCertPem`). */
  grpcUrl: pulumi.Output<string>;
}

const APP_LABELS = { "app.kubernetes.io/name": "triton", "app.kubernetes.io/component": "inference" };
/**
 * The one port clients reach Triton on, whichever Service fronts it: gRPC over TLS. HTTP (8000) has
 * no TLS option in Triton, so it is no client port: no NLB listener, closed by the security groups.
 */
const SERVICE_PORTS = [{ name: "grpc", port: PORTS.tritonGrpc, targetPort: "grpc", protocol: "TCP" }];
const SERVICE_ACCOUNT = "triton";

/** The Triton command line: S3 repository polled for new model versions, fixed ports, gRPC over TLS (`tlsFlags`). */
export function tritonArgs(bucket: string, prefix: string, tlsFlags: string[]): string[] {
  return [
    "tritonserver",
    `--model-repository=s3://${bucket}/${prefix}`,
    "--model-control-mode=poll",
    `--repository-poll-secs=${TRITON_TIMINGS.repositoryPollSeconds}`,
    `--http-port=${PORTS.tritonHttp}`,
    `--grpc-port=${PORTS.tritonGrpc}`,
    `--metrics-port=${PORTS.tritonMetrics}`,
    "--allow-metrics=true",
    "--allow-gpu-metrics=true",
    // One bad model must not keep the others from serving.
    "--exit-on-error=false",
    "--strict-readiness=true",
    ...tlsFlags,
  ];
}

/**
 * Triton's objects, one step each (the steps below the return): namespace, IRSA role, service
 * account, Deployment, Service (internal NLB, or headless under `privateDns`), PodDisruptionBudget
 * (only when a second replica can exist), NetworkPolicy; KEDA's TriggerAuthentication and ScaledObject
 * come from triton-scaler.ts.
 */
export function createTriton(
  name: string,
  args: TritonArgs,
  parent: pulumi.Resource,
  provider: k8s.Provider,
  dependsOn: pulumi.Resource[],
): Triton {
  const opts = { parent, provider };
  const ns = NAMESPACES.triton;
  const metadata = (role: string) => ({ name: role, namespace: ns, labels: APP_LABELS });

  const namespace = createNamespace();
  const nsOpts = { ...opts, dependsOn: [namespace] };
  const role = createRole();
  const serviceAccount = createServiceAccount();
  const tls = createTritonTls(name, { hostname: args.hostname, namespace: ns, labels: APP_LABELS }, parent, nsOpts);
  const deployment = createDeployment();
  const service = args.sizing.endpoint === "privateDns" ? createHeadlessService() : createLoadBalancerService();
  const podDisruptionBudget = args.sizing.maxReplicas > 1 ? createPodDisruptionBudget() : undefined;
  const networkPolicy = createNetworkPolicy();
  const { triggerAuthentication, scaledObject } = createTritonScaler(
    name,
    { context: args.context, clusterName: args.clusterName, sizing: args.sizing, metricsNamespace: args.metricsNamespace, wakeQueues: args.wakeQueues, metadata },
    opts,
    { namespace, deployment },
  );
  return {
    namespace,
    role,
    serviceAccount,
    deployment,
    service,
    podDisruptionBudget,
    networkPolicy,
    triggerAuthentication,
    scaledObject,
    tls,
    grpcUrl: pulumi.output(`${args.hostname}:${PORTS.tritonGrpc}`),
  };

  function createNamespace(): k8s.core.v1.Namespace {
    return new k8s.core.v1.Namespace(
      `${name}-triton-ns`,
      { metadata: { name: ns, labels: { [LB_READINESS_GATE_LABEL.key]: LB_READINESS_GATE_LABEL.value } } },
      { ...opts, dependsOn },
    );
  }

  /** Read-only on the model prefix, assumable only by Triton's service account. */
  function createRole(): aws.iam.Role {
    return createIrsaRole(
      name,
      "triton",
      { ...args, namespace: ns, serviceAccount: SERVICE_ACCOUNT, statements: args.modelReadStatements },
      parent,
    );
  }

  function createServiceAccount(): k8s.core.v1.ServiceAccount {
    return new k8s.core.v1.ServiceAccount(
      `${name}-triton-sa`,
      {
        metadata: { ...metadata(SERVICE_ACCOUNT), annotations: { "eks.amazonaws.com/role-arn": role.arn } },
        // Triton needs no Kubernetes API access: keep the API token out of the pod.
        automountServiceAccountToken: false,
      },
      nsOpts,
    );
  }

  function createDeployment(): k8s.apps.v1.Deployment {
    const httpGet = (path: string) => ({ httpGet: { path, port: "http" } });
    return new k8s.apps.v1.Deployment(
      `${name}-triton`,
      applyTransform(args.deploymentTransform, {
        metadata: {
          ...metadata("triton"),
          annotations: { "pulumi.com/timeoutSeconds": String(TRITON_TIMINGS.rolloutTimeoutSeconds) },
        },
        spec: {
          // KEDA owns the replica count from here on (ignoreChanges below); this is only the start.
          replicas: args.sizing.minReplicas,
          selector: { matchLabels: APP_LABELS },
          // Surge first: a replica is a whole GPU node, so never take one away before its successor
          // serves. The GPU node groups together hold maxReplicas + maxSurge nodes for it (see TRITON_ROLLOUT).
          strategy: { type: "RollingUpdate", rollingUpdate: { ...TRITON_ROLLOUT } },
          template: {
            metadata: { labels: APP_LABELS, annotations: tls.podAnnotations },
            spec: {
              serviceAccountName: SERVICE_ACCOUNT,
              // IRSA mounts its own projected web-identity token; the Kubernetes API token is not needed.
              automountServiceAccountToken: false,
              terminationGracePeriodSeconds: TRITON_TIMINGS.terminationGracePeriodSeconds,
              ...GPU_SCHEDULING,
              securityContext: {
                runAsNonRoot: true,
                runAsUser: TRITON_USER_ID,
                runAsGroup: TRITON_USER_ID,
                fsGroup: TRITON_USER_ID,
                seccompProfile: { type: "RuntimeDefault" },
              },
              containers: [
                {
                  name: "triton",
                  image: args.image,
                  args: pulumi.output(args.modelBucketName).apply((b) => tritonArgs(b, args.modelRepositoryPrefix, tls.flags)),
                  env: [
                    { name: "AWS_REGION", value: args.context.region },
                    { name: "AWS_DEFAULT_REGION", value: args.context.region },
                    // S3 models are downloaded to TMPDIR before loading: the writable scratch volume.
                    { name: "TMPDIR", value: "/tmp" },
                    { name: "HOME", value: "/home/triton-server" },
                  ],
                  ports: [
                    { name: "http", containerPort: PORTS.tritonHttp, protocol: "TCP" },
                    { name: "grpc", containerPort: PORTS.tritonGrpc, protocol: "TCP" },
                    { name: "metrics", containerPort: PORTS.tritonMetrics, protocol: "TCP" },
                  ],
                  resources: {
                    requests: { cpu: args.sizing.cpuRequest, memory: args.sizing.memoryRequest, [GPU_RESOURCE]: "1" },
                    limits: { cpu: args.sizing.cpuLimit, memory: args.sizing.memoryLimit, [GPU_RESOURCE]: "1" },
                  },
                  startupProbe: { ...httpGet("/v2/health/live"), ...TRITON_TIMINGS.startupProbe },
                  livenessProbe: { ...httpGet("/v2/health/live"), ...TRITON_TIMINGS.livenessProbe },
                  readinessProbe: { ...httpGet("/v2/health/ready"), ...TRITON_TIMINGS.readinessProbe },
                  lifecycle: { preStop: { exec: { command: ["sleep", String(TRITON_TIMINGS.preStopSleepSeconds)] } } },
                  securityContext: {
                    allowPrivilegeEscalation: false,
                    readOnlyRootFilesystem: true,
                    privileged: false,
                    capabilities: { drop: ["ALL"] },
                  },
                  volumeMounts: [
                    { name: "dshm", mountPath: "/dev/shm" },
                    { name: "tmp", mountPath: "/tmp" },
                    { name: "model-cache", mountPath: "/home/triton-server" },
                    tls.volumeMount,
                  ],
                },
              ],
              volumes: [
                // Docker's 64 MB /dev/shm is too small for the python backend and DALI.
                { name: "dshm", emptyDir: { medium: "Memory", sizeLimit: args.sizing.shmSize } },
                { name: "tmp", emptyDir: {} },
                { name: "model-cache", emptyDir: {} },
                tls.volume,
              ],
            },
          },
        },
      }),
      { ...nsOpts, dependsOn: [namespace, serviceAccount, tls.secret], ignoreChanges: ["spec.replicas"] },
    );
  }

  function createLoadBalancerService(): k8s.core.v1.Service {
    return new k8s.core.v1.Service(
      `${name}-triton-svc`,
      {
        metadata: {
          ...metadata("triton"),
          // Internal NLB through the AWS Load Balancer Controller: ip targets (pods directly, no
          // NodePort hop), the network's Triton LB security group; the network already allows
          // that group to reach the GPU nodes, so the controller must not add rules of its own.
          // Its one listener is gRPC (8001); the health check probes /v2/health/ready on 8000, a port
          // with no listener (aws-load-balancer-controller docs/guide/service/annotations.md,
          // `healthcheck-port`: a number, or traffic-port).
          annotations: pulumi.output(args.loadBalancerSecurityGroupId).apply((sg) => ({
            // The stable name ExternalDNS points at the NLB (an alias A record on AWS: --aws-prefer-cname
            // is off by default, external-dns docs/tutorials/aws.md), the name the certificate is for.
            ...dnsAnnotations(),
            "service.beta.kubernetes.io/aws-load-balancer-type": "external",
            "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
            "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
            "service.beta.kubernetes.io/aws-load-balancer-security-groups": sg,
            "service.beta.kubernetes.io/aws-load-balancer-manage-backend-security-group-rules": "false",
            "service.beta.kubernetes.io/aws-load-balancer-healthcheck-protocol": "http",
            "service.beta.kubernetes.io/aws-load-balancer-healthcheck-path": "/v2/health/ready",
            "service.beta.kubernetes.io/aws-load-balancer-healthcheck-port": String(PORTS.tritonHttp),
            "service.beta.kubernetes.io/aws-load-balancer-attributes": "load_balancing.cross_zone.enabled=true",
            "service.beta.kubernetes.io/aws-load-balancer-target-group-attributes": `deregistration_delay.timeout_seconds=${TRITON_TIMINGS.deregistrationDelaySeconds}`,
          })),
        },
        spec: {
          type: "LoadBalancer",
          loadBalancerClass: "service.k8s.aws/nlb",
          selector: APP_LABELS,
          ports: SERVICE_PORTS,
        },
      },
      nsOpts,
    );
  }

  function dnsAnnotations(): Record<string, string> {
    return {
      "external-dns.alpha.kubernetes.io/hostname": args.hostname,
      "external-dns.alpha.kubernetes.io/ttl": String(TRITON_PRIVATE_DNS.recordTtlSeconds),
    };
  }

  // Without an NLB the gateway and workers resolve the pods' addresses (ExternalDNS): a headless
  // Service (no cluster IP, which Fargate tasks could not reach anyway) named in the private zone.
  function createHeadlessService(): k8s.core.v1.Service {
    return new k8s.core.v1.Service(
      `${name}-triton-svc`,
      {
        metadata: { ...metadata("triton"), annotations: dnsAnnotations() },
        spec: {
          type: "ClusterIP",
          clusterIP: "None",
          selector: APP_LABELS,
          ports: SERVICE_PORTS,
        },
      },
      nsOpts,
    );
  }

  // A PDB only means something when a second replica can exist; with one it would block node drains forever.
  function createPodDisruptionBudget(): k8s.policy.v1.PodDisruptionBudget {
    return new k8s.policy.v1.PodDisruptionBudget(
      `${name}-triton-pdb`,
      { metadata: metadata("triton"), spec: { maxUnavailable: DISRUPTION.podMaxUnavailable, selector: { matchLabels: APP_LABELS } } },
      nsOpts,
    );
  }

  function createNetworkPolicy(): k8s.networking.v1.NetworkPolicy {
    return new k8s.networking.v1.NetworkPolicy(
      `${name}-triton-netpol`,
      {
        metadata: metadata("triton"),
        spec: {
          podSelector: { matchLabels: APP_LABELS },
          policyTypes: ["Ingress"],
          ingress: [
            {
              // The gateway and workers come through the internal NLB (ip targets), whose addresses
              // are in the VPC's private subnets. 8000 stays open to those subnets for the NLB's health
              // check: a NetworkPolicy cannot tell the NLB from a Fargate task in the same subnet, so
              // the security groups are what close 8000 to the clients.
              from: pulumi.output(args.clientCidrs).apply((cidrs) => cidrs.map((cidr) => ({ ipBlock: { cidr } }))),
              ports: [
                { port: PORTS.tritonHttp, protocol: "TCP" },
                { port: PORTS.tritonGrpc, protocol: "TCP" },
              ],
            },
            {
              from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": NAMESPACES.monitoring } } }],
              ports: [{ port: PORTS.tritonMetrics, protocol: "TCP" }],
            },
          ],
        },
      },
      nsOpts,
    );
  }
}
