/**
 * Reading the rendered graph: which top-level component a resource belongs to, and the facts the
 * cost model and the capacity check share (Fargate services with their task definitions and scaling
 * targets, node groups with their sizes, Triton's autoscaler). Everything here reads resource
 * inputs, never the tier table, so the plan follows what the program actually declares.
 */
import type { RenderedGraph, RenderedResource } from "./harness";
import { GPU_POOL_LABEL, GPU_TAINT } from "../../components/inference/constants";
import { GPU_FAMILY_PREFIX } from "../../sizing";

/** The part of a rendered graph the plan needs (synthetic graphs in tests build just this). */
export type PlanGraph = Pick<RenderedGraph, "resources"> & Partial<Pick<RenderedGraph, "stack" | "project" | "config">>;

/** Resources keyed by URN, with the top-level component of each. */
export class GraphIndex {
  readonly byUrn = new Map<string, RenderedResource>();
  private readonly componentCache = new Map<string, string>();

  constructor(readonly graph: PlanGraph) {
    for (const r of graph.resources) this.byUrn.set(r.urn, r);
  }

  get resources(): RenderedResource[] {
    return this.graph.resources;
  }

  ofType(type: string): RenderedResource[] {
    return this.graph.resources.filter((r) => r.type === type);
  }

  /**
   * The name of the top-level component a resource belongs to: walk parents until the parent is the
   * stack (or unknown). A top-level resource (the provider) is its own component.
   */
  componentOf(r: RenderedResource): string {
    const cached = this.componentCache.get(r.urn);
    if (cached !== undefined) return cached;
    let current = r;
    for (let depth = 0; depth < 64; depth++) {
      const parent = current.parent ? this.byUrn.get(current.parent) : undefined;
      if (!parent) break;
      current = parent;
    }
    this.componentCache.set(r.urn, current.name);
    return current.name;
  }

  /** Top-level components (resources whose parent is the stack), in render order. */
  topLevelComponents(): RenderedResource[] {
    return this.graph.resources.filter((r) => !r.custom && (!r.parent || !this.byUrn.has(r.parent)));
  }
}

export function num(v: unknown, fallback = 0): number {
  const n = typeof v === "string" ? Number(v) : typeof v === "number" ? v : NaN;
  return Number.isFinite(n) ? n : fallback;
}

export function obj(v: unknown): Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** Every string anywhere inside a value (inputs are JSON-shaped). */
export function deepStrings(v: unknown, out: string[] = []): string[] {
  if (typeof v === "string") out.push(v);
  else if (Array.isArray(v)) v.forEach((x) => deepStrings(x, out));
  else if (typeof v === "object" && v !== null) Object.values(v).forEach((x) => deepStrings(x, out));
  return out;
}

// ---------------------------------------------------------------------------------------------
// ECS Fargate services.
// ---------------------------------------------------------------------------------------------

export interface FargateService {
  service: RenderedResource;
  taskDefinition?: RenderedResource;
  /** vCPU and GB of one task (from the task definition). */
  vcpu: number;
  memoryGb: number;
  arm: boolean;
  /** Share of tasks on FARGATE_SPOT (capacity provider strategy weights). */
  spotShare: number;
  minTasks: number;
  maxTasks: number;
  /** Behind a load balancer target group (the API), as opposed to a queue consumer. */
  loadBalanced: boolean;
}

const SCALABLE_TARGET = "aws:appautoscaling/target:Target";

export function fargateServices(index: GraphIndex): FargateService[] {
  const taskDefs = index.ofType("aws:ecs/taskDefinition:TaskDefinition");
  const targets = index.ofType(SCALABLE_TARGET).filter((t) => t.inputs.scalableDimension === "ecs:service:DesiredCount");
  return index.ofType("aws:ecs/service:Service").map((service) => {
    const i = service.inputs;
    const taskDefRef = String(i.taskDefinition ?? "");
    const taskDefinition = taskDefs.find(
      (t) =>
        taskDefRef === t.id ||
        taskDefRef === t.urn ||
        (typeof t.inputs.family === "string" && new RegExp(`task-definition/${escape(t.inputs.family)}(:\\d+)?$`).test(taskDefRef)) ||
        taskDefRef === t.inputs.family,
    );
    const td = taskDefinition?.inputs ?? {};
    const serviceName = String(i.name ?? service.name);
    const target = targets.find((t) => String(t.inputs.resourceId ?? "").endsWith(`/${serviceName}`));
    const desired = num(i.desiredCount, 1);
    const strategies = arr(i.capacityProviderStrategies).map(obj);
    const totalWeight = strategies.reduce((s, x) => s + num(x.weight, 0), 0);
    const spotWeight = strategies.filter((x) => x.capacityProvider === "FARGATE_SPOT").reduce((s, x) => s + num(x.weight, 0), 0);
    // A base on FARGATE counts first; the weights split the rest. Approximate with weights only.
    const spotShare = totalWeight > 0 ? spotWeight / totalWeight : strategies.some((x) => x.capacityProvider === "FARGATE_SPOT") ? 1 : 0;
    return {
      service,
      taskDefinition,
      vcpu: num(td.cpu) / 1024,
      memoryGb: num(td.memory) / 1024,
      arm: String(obj(td.runtimePlatform).cpuArchitecture ?? "X86_64").toUpperCase() === "ARM64",
      spotShare,
      minTasks: target ? num(target.inputs.minCapacity) : desired,
      maxTasks: target ? num(target.inputs.maxCapacity) : desired,
      loadBalanced: arr(i.loadBalancers).length > 0,
    };
  });
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

// ---------------------------------------------------------------------------------------------
// EKS node groups.
// ---------------------------------------------------------------------------------------------

export interface NodeGroup {
  resource: RenderedResource;
  instanceType: string;
  instanceTypes: string[];
  spot: boolean;
  minNodes: number;
  maxNodes: number;
  desiredNodes: number;
  diskGiB: number;
  /** gp3 throughput (MiB/s) of the root volume set in the launch template; 125 (the baseline) when unset. */
  diskThroughputMiBps: number;
  gpu: boolean;
  /** The GPU pool label the group carries: `base`, `primary` or `fallback` (sizing/gpu-pools.ts). */
  gpuPool: string | undefined;
}

/** The instance-family prefixes of the GPU types the platform offers (sizing/instances.ts GPU_FAMILIES). */
const GPU_INSTANCE_PREFIXES = Object.values(GPU_FAMILY_PREFIX).flat();

export function nodeGroups(index: GraphIndex): NodeGroup[] {
  const launchTemplates = index.ofType("aws:ec2/launchTemplate:LaunchTemplate");
  return index.ofType("aws:eks/nodeGroup:NodeGroup").map((resource) => {
    const i = resource.inputs;
    const scaling = obj(i.scalingConfig);
    const ltRef = obj(i.launchTemplate);
    const lt = launchTemplates.find(
      (l) => (ltRef.id !== undefined && (ltRef.id === l.id || ltRef.id === l.urn)) || (ltRef.name !== undefined && ltRef.name === l.inputs.name),
    );
    const ltInputs = lt?.inputs ?? {};
    const instanceTypes = arr(i.instanceTypes).map(String);
    if (instanceTypes.length === 0 && typeof ltInputs.instanceType === "string") instanceTypes.push(ltInputs.instanceType);
    const ltDisk = arr(ltInputs.blockDeviceMappings)
      .map((m) => num(obj(obj(m).ebs).volumeSize))
      .reduce((a, b) => a + b, 0);
    const amiType = String(i.amiType ?? "");
    const taints = arr(i.taints).map(obj);
    const instanceType = instanceTypes[0] ?? "unknown";
    return {
      resource,
      instanceType,
      instanceTypes,
      spot: i.capacityType === "SPOT",
      minNodes: num(scaling.minSize),
      maxNodes: num(scaling.maxSize),
      desiredNodes: num(scaling.desiredSize, num(scaling.minSize)),
      // EKS's default root volume is 20 GiB when neither the group nor a launch template sets one.
      diskGiB: num(i.diskSize) || ltDisk || 20,
      diskThroughputMiBps: Math.max(125, ...arr(ltInputs.blockDeviceMappings).map((m) => num(obj(obj(m).ebs).throughput, 125))),
      gpu: GPU_INSTANCE_PREFIXES.some((p) => instanceType.startsWith(p)) || /NVIDIA|GPU/i.test(amiType) || taints.some((t) => t.key === GPU_TAINT.key),
      gpuPool: typeof obj(i.labels)[GPU_POOL_LABEL] === "string" ? String(obj(i.labels)[GPU_POOL_LABEL]) : undefined,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Triton's autoscaler (KEDA ScaledObject or HPA) and its load balancer Service.
// ---------------------------------------------------------------------------------------------

/** Max replicas of the GPU workload: a KEDA ScaledObject's maxReplicaCount or an HPA's maxReplicas. */
export function gpuReplicaBounds(index: GraphIndex): { min: number; max: number; source: string } | undefined {
  for (const r of index.resources) {
    const spec = obj(r.inputs.spec);
    if (r.type.startsWith("kubernetes:keda.sh/") && r.type.endsWith(":ScaledObject")) {
      return { min: num(spec.minReplicaCount), max: num(spec.maxReplicaCount, 100), source: `${r.type} ${r.name}` };
    }
    if (r.type.startsWith("kubernetes:autoscaling/") && r.type.endsWith(":HorizontalPodAutoscaler")) {
      return { min: num(spec.minReplicas, 1), max: num(spec.maxReplicas), source: `${r.type} ${r.name}` };
    }
  }
  return undefined;
}

/** Kubernetes Services of type LoadBalancer: each becomes an NLB created by the AWS LB controller. */
export function loadBalancerServices(index: GraphIndex): RenderedResource[] {
  return index.ofType("kubernetes:core/v1:Service").filter((s) => obj(s.inputs.spec).type === "LoadBalancer");
}
