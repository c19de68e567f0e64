/**
 * Owns the ECS cluster the gateway and the workers share (FARGATE and FARGATE_SPOT capacity
 * providers), the ECR repository of each image the stack builds (scan on push, immutable tags, KMS,
 * lifecycle), and where each service's image comes from (`images`, held back with `awaitImages` until
 * the first push).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULTS, NAME_LIMITS, SERVICES } from "../../sizing";
import { PlatformComponent, physicalName, type StackContext, applyTransform, type Transform } from "../component";

/** The images the stack builds and runs on Fargate. */
export const SERVICE_IMAGES = ["gateway", "worker"] as const;
export type ServiceImage = (typeof SERVICE_IMAGES)[number];

export interface FargateClusterArgs {
  /** The stack: identity (names, tags), region, account, KMS key and log retention. */
  context: StackContext;
  /** ECS Container Insights (per-task CPU/memory/network metrics, ~$0.30 per metric-month). */
  containerInsights: boolean;
  /**
   * Full image references to run instead of the stack's own ECR repositories; an image with a
   * reference here gets no repository.
   * @default `{}` (both images come from repositories this component creates)
   * @example `{ gateway: "ghcr.io/acme/api:1.4.2" }`
   */
  externalImages?: Partial<Record<ServiceImage, string>>;
  /**
   * Tag run from the stack's ECR repositories. Repositories are immutable, so a release pushes a new tag.
   * @default `"0.1.0"` (`DEFAULTS.imageTag`)
   */
  imageTag?: string;
  /**
   * The stack's own images are not pushed yet (first deploy): services running them are created with
   * no tasks and autoscaling pinned to 0, so nothing tries to pull an image that does not exist. The
   * next `pulumi up` without it restores each service's minimum, and Application Auto Scaling raises
   * the running count into the new range (RegisterScalableTarget). External images are not held.
   * @default `false`
   */
  awaitImages?: boolean;
  /**
   * Let `pulumi destroy` delete repositories that still hold images (dev).
   * @default `false`
   */
  forceDeleteRepositories?: boolean;
  /**
   * Adjust the cluster's arguments without forking this component.
   * @default - no transform
   * @example `{ cluster: (args) => ({ ...args, serviceConnectDefaults: { namespace: arn } }) }`
   */
  transform?: { cluster?: Transform<aws.ecs.ClusterArgs> };
}

/** Where a service's image comes from: the reference, and the ECR repository to grant pulls on (if any). */
export interface ImageSource {
  image: pulumi.Output<string>;
  repositoryArn?: pulumi.Output<string>;
  /** The image is not pushed yet: services that run it start no task (`FargateClusterArgs.awaitImages`). */
  awaitingPush?: boolean;
}

/**
 * The ECS cluster the gateway and the workers share, with FARGATE and FARGATE_SPOT associated, and
 * one ECR repository per image the stack builds (scan on push, immutable tags, KMS, lifecycle).
 *
 * ```ts
 * const ecs = new FargateCluster("ecs", { context, containerInsights: true });
 * new Gateway("gateway", { cluster: ecs, image: ecs.images.gateway, ... });
 * ```
 *
 * **Cost**: the cluster is free; Container Insights ~$0.30 per metric-month (prod); ECR $0.10 per
 * GB-month, bounded by the lifecycle rule (`SERVICES.ecrImagesKept` images per repository).
 */
export class FargateCluster extends PlatformComponent {
  public readonly cluster: aws.ecs.Cluster;
  public readonly clusterArn: pulumi.Output<string>;
  public readonly clusterName: pulumi.Output<string>;
  /** ECR repositories the stack created (none for an image given as an external reference). */
  public readonly repositories: Partial<Record<ServiceImage, aws.ecr.Repository>>;
  /** Repository URLs, for `docker push` (exported as stack outputs). */
  public readonly repositoryUrls: Partial<Record<ServiceImage, pulumi.Output<string>>>;
  /** The image each service runs. */
  public readonly images: Record<ServiceImage, ImageSource>;
  /** The capacity-provider association; services depend on it. */
  public readonly capacityProviders: aws.ecs.ClusterCapacityProviders;

  constructor(name: string, args: FargateClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("services", "FargateCluster", name, opts);
    const externalImages = args.externalImages ?? {};
    const imageTag = args.imageTag ?? DEFAULTS.imageTag;
    const forceDeleteRepositories = args.forceDeleteRepositories ?? false;
    const tags = args.context.identity.tags;
    const parent = this;

    this.cluster = createCluster();
    this.clusterArn = this.cluster.arn;
    this.clusterName = this.cluster.name;
    this.capacityProviders = associateFargateCapacityProviders();
    this.repositories = {};
    this.repositoryUrls = {};
    this.images = {} as Record<ServiceImage, ImageSource>;
    for (const image of SERVICE_IMAGES) {
      const external = externalImages[image];
      if (external) {
        const repositoryArn = ecrRepositoryArnOf(external);
        this.images[image] = { image: pulumi.output(external), repositoryArn: repositoryArn ? pulumi.output(repositoryArn) : undefined };
        continue;
      }
      const repository = createRepository(image);
      this.repositories[image] = repository;
      this.repositoryUrls[image] = repository.repositoryUrl;
      this.images[image] = {
        image: pulumi.interpolate`${repository.repositoryUrl}:${imageTag}`,
        repositoryArn: repository.arn,
        awaitingPush: args.awaitImages ?? false,
      };
    }

    this.registerOutputs({
      clusterArn: this.clusterArn,
      clusterName: this.clusterName,
      repositoryUrls: this.repositoryUrls,
    });

    function createCluster(): aws.ecs.Cluster {
      const clusterArgs: aws.ecs.ClusterArgs = {
        name: physicalName(args.context.identity, "services", NAME_LIMITS.ecsCluster),
        settings: [{ name: "containerInsights", value: args.containerInsights ? "enabled" : "disabled" }],
        tags,
      };
      return new aws.ecs.Cluster(parent.childName("cluster"), applyTransform(args.transform?.cluster, clusterArgs), {
        parent,
      });
    }

    function associateFargateCapacityProviders(): aws.ecs.ClusterCapacityProviders {
      return new aws.ecs.ClusterCapacityProviders(
        parent.childName("capacity-providers"),
        {
          clusterName: parent.cluster.name,
          capacityProviders: ["FARGATE", "FARGATE_SPOT"],
          defaultCapacityProviderStrategies: [{ capacityProvider: "FARGATE", weight: 1 }],
        },
        { parent },
      );
    }

    function createRepository(image: ServiceImage): aws.ecr.Repository {
      const repository = new aws.ecr.Repository(
        parent.childName(`${image}-repository`),
        {
          name: physicalName(args.context.identity, image, NAME_LIMITS.ecrRepository),
          // Immutable tags: a deployed tag always means the same bytes, so a rollback is exact.
          imageTagMutability: "IMMUTABLE",
          imageScanningConfiguration: { scanOnPush: true },
          encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: args.context.kmsKeyArn }],
          forceDelete: forceDeleteRepositories,
          tags,
        },
        { parent },
      );
      new aws.ecr.LifecyclePolicy(
        parent.childName(`${image}-repository-lifecycle`),
        {
          repository: repository.name,
          policy: JSON.stringify({
            rules: [
              {
                rulePriority: 1,
                description: `Keep the ${SERVICES.ecrImagesKept} most recent images`,
                selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: SERVICES.ecrImagesKept },
                action: { type: "expire" },
              },
            ],
          }),
        },
        { parent },
      );
      return repository;
    }
  }
}

/** The ARN of the ECR repository an image reference points into, or undefined for other registries. */
export function ecrRepositoryArnOf(image: string): string | undefined {
  const m = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com\/([^:@]+)/.exec(image);
  return m ? `arn:aws:ecr:${m[2]}:${m[1]}:repository/${m[3]}` : undefined;
}
