/**
 * The platform's in-memory store: an ElastiCache replication group (Valkey, Redis-compatible) in the
 * private subnets, TLS in transit, encrypted at rest with the stack key, an AUTH token generated here
 * and kept in Secrets Manager. It holds Celery results and the API's cache.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { AUTH_TOKEN_LENGTH, type CacheSizing, DEFAULTS, NAME_LIMITS, PORTS, type SafetySizing } from "../sizing";
import { physicalName, PlatformComponent, type StackContext, applyTransform, type Transform } from "./component";
import type { PolicyStatement } from "./iam";
import type { ObservedCache } from "./observability";

/**
 * Eviction policy under memory pressure. SQS is the Celery broker, so this store holds task results
 * (Celery sets a TTL on each: `result_expires`) and cache entries (with TTLs). `volatile-lru` evicts
 * only keys that carry a TTL, least recently used first, so keys without one (chord counters, locks,
 * rate-limit state) are never dropped silently; if only those remain, writes fail loudly with OOM.
 * `allkeys-*` could evict a chord counter; `noeviction` would fail result writes while stale cache
 * entries still hold memory.
 */
export const CACHE_MAXMEMORY_POLICY = "volatile-lru";

/**
 * The JSON layout of the AUTH-token secret: the token alone, and a ready-made TLS URL carrying it.
 * Consumers read a key by name (ECS `valueFrom: <arn>:<key>::`) through {@link CacheConnection}.
 */
export const AUTH_SECRET_KEYS = { authToken: "authToken", url: "url" } as const;

/**
 * How an application reaches the cache, shaped for the services' dependency contract
 * (`ServiceDependencies.cache` in components/services/contract.ts): the token is injected from the secret,
 * never passed as a value.
 */
export interface CacheConnection {
  /** Primary (read/write) endpoint host. */
  host: pulumi.Output<string>;
  port: pulumi.Output<number>;
  /** The Secrets Manager secret holding the AUTH token. */
  authTokenSecretArn: pulumi.Output<string>;
  /** Key of the token inside that JSON secret ({@link AUTH_SECRET_KEYS}). */
  authTokenJsonKey: string;
}

export interface CacheArgs {
  /**
   * The stack: identity for names and tags, region (the KMS grant is limited to Secrets Manager in
   * this region) and the stack's KMS key (at-rest encryption and the AUTH-token secret).
   */
  context: StackContext;
  /** Node type, node count and snapshot retention, from the tier table. */
  sizing: CacheSizing;
  /** `finalSnapshot`, from the tier table. */
  safety: Pick<SafetySizing, "finalSnapshot">;
  /** Private subnets of the network. */
  subnetIds: pulumi.Input<string[]>;
  /** The network's `cache` security group (admits only the gateway and workers on 6379). */
  securityGroupId: pulumi.Input<string>;
  /**
   * Apply modifications (a tier switch's node type) now instead of in the next maintenance window.
   * With `false` the provider reads back the old node type until the window, so every `pulumi up`
   * before it shows the change again; the platform passes `true`.
   * @default `false`
   */
  applyImmediately?: boolean;
  /**
   * Engine: `valkey` or `redis`.
   * @default `DEFAULTS.cacheEngine` (`"valkey"`)
   */
  engine?: string;
  /**
   * Engine version.
   * @default `DEFAULTS.cacheEngineVersion` (`"8.0"`)
   */
  engineVersion?: string;
  /**
   * Parameter group family; must match `engine` and `engineVersion`.
   * @default `DEFAULTS.cacheParameterFamily` (`"valkey8"`)
   */
  parameterFamily?: string;
  /**
   * Length of the generated AUTH token (ElastiCache accepts 16–128 characters). Alphanumeric only:
   * ElastiCache refuses most punctuation in tokens, and a plain token needs no escaping in a URL.
   * @default `AUTH_TOKEN_LENGTH.default` (`64`)
   */
  authTokenLength?: number;
  /**
   * Adjust the replication group's arguments without forking this component.
   * @example `{ replicationGroup: (args) => ({ ...args, snapshotWindow: "03:00-04:00" }) }`
   * @default - no transform
   */
  transform?: { replicationGroup?: Transform<aws.elasticache.ReplicationGroupArgs> };
}

/**
 * ElastiCache replication group with FSBP ElastiCache.1/3/4/5/6/7 settings: `sizing.nodes` nodes (one
 * primary, the rest replicas with automatic failover and Multi-AZ when there are two or more), daily
 * snapshots kept `sizing.snapshotRetentionDays`.
 *
 * ```ts
 * const cache = new Cache("cache", { context, sizing: sizing.cache, safety: sizing.safety,
 *   subnetIds: network.privateSubnetIds, securityGroupId: network.securityGroups.cache.id });
 * // services: dependencies: { cache: cache.connection, ... }
 * // in a task definition: secrets: [{ name: "REDIS_URL", valueFrom: pulumi.interpolate`${cache.authSecretArn}:url::` }]
 * ```
 *
 * **Cost** (us-east-1, on demand, per node): cache.t4g.micro $0.016/h (~$12/month), cache.t4g.small
 * $0.032/h (~$23), cache.m7g.large $0.158/h (~$115); snapshots beyond one node's size $0.085/GB-month;
 * the secret $0.40/month.
 */
export class Cache extends PlatformComponent {
  public readonly replicationGroup: aws.elasticache.ReplicationGroup;
  /** Replication group id (CloudWatch `ReplicationGroupId` / cluster-id prefix for alarms). */
  public readonly replicationGroupId: pulumi.Output<string>;
  /** Primary (read/write) endpoint host. */
  public readonly primaryEndpoint: pulumi.Output<string>;
  /** Reader endpoint host (spreads reads over replicas; the primary when there are none). */
  public readonly readerEndpoint: pulumi.Output<string>;
  public readonly port: pulumi.Output<number>;
  /** Secrets Manager secret holding `{ authToken, url }` (url: `rediss://:<token>@<primary>:<port>/0`). */
  public readonly authSecret: aws.secretsmanager.Secret;
  public readonly authSecretArn: pulumi.Output<string>;
  /** Host, port and where the AUTH token is, for the applications (see {@link CacheConnection}). */
  public readonly connection: CacheConnection;
  /** What Observability watches: the replication group and its node count (its `cache`). */
  public readonly observed: ObservedCache;

  private readonly kmsKeyArn: pulumi.Input<string>;
  private readonly region: string;

  constructor(name: string, args: CacheArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cache", "Cache", name, opts);
    const applyImmediately = args.applyImmediately ?? false;
    const engine = args.engine ?? DEFAULTS.cacheEngine;
    const engineVersion = args.engineVersion ?? DEFAULTS.cacheEngineVersion;
    const parameterFamily = args.parameterFamily ?? DEFAULTS.cacheParameterFamily;
    const authTokenLength = args.authTokenLength ?? AUTH_TOKEN_LENGTH.default;
    const { sizing } = args;
    const highlyAvailable = sizing.nodes > 1;
    const { identity, region, kmsKeyArn } = args.context;
    const tags = identity.tags;
    const parent = this;
    this.kmsKeyArn = kmsKeyArn;
    this.region = region;

    if (authTokenLength < AUTH_TOKEN_LENGTH.min || authTokenLength > AUTH_TOKEN_LENGTH.max) {
      throw new Error(
        `Cache: \`authTokenLength\` ${authTokenLength} is outside ElastiCache's ${AUTH_TOKEN_LENGTH.min}–${AUTH_TOKEN_LENGTH.max} characters.`,
      );
    }

    const authToken = createAuthToken();
    const subnetGroup = createSubnetGroup();
    const parameterGroup = createParameterGroup();
    this.replicationGroup = createReplicationGroup();
    this.authSecret = createAuthSecret();

    this.replicationGroupId = this.replicationGroup.replicationGroupId;
    this.observed = { replicationGroupId: this.replicationGroupId, nodeCount: sizing.nodes };
    this.primaryEndpoint = this.replicationGroup.primaryEndpointAddress;
    this.readerEndpoint = this.replicationGroup.readerEndpointAddress;
    this.port = this.replicationGroup.port.apply((p) => p ?? PORTS.redis);
    this.authSecretArn = this.authSecret.arn;
    this.connection = {
      host: this.primaryEndpoint,
      port: this.port,
      authTokenSecretArn: this.authSecretArn,
      authTokenJsonKey: AUTH_SECRET_KEYS.authToken,
    };

    this.registerOutputs({
      replicationGroupId: this.replicationGroupId,
      primaryEndpoint: this.primaryEndpoint,
      readerEndpoint: this.readerEndpoint,
      port: this.port,
      authSecretArn: this.authSecretArn,
    });

    function createAuthToken(): random.RandomPassword {
      return new random.RandomPassword(
        parent.childName("auth-token"),
        { length: authTokenLength, special: false },
        { parent },
      );
    }

    function createSubnetGroup(): aws.elasticache.SubnetGroup {
      return new aws.elasticache.SubnetGroup(
        parent.childName("subnets"),
        {
          name: physicalName(identity, "cache"),
          description: `${identity.project}/${identity.stack} cache, private subnets`,
          subnetIds: args.subnetIds,
          tags,
        },
        { parent },
      );
    }

    /** Auto-named, so an engine upgrade (new family) can create the new group before dropping the old. */
    function createParameterGroup(): aws.elasticache.ParameterGroup {
      return new aws.elasticache.ParameterGroup(
        parent.childName("parameters"),
        {
          family: parameterFamily,
          description: `Celery result backend and cache: ${CACHE_MAXMEMORY_POLICY}`,
          parameters: [{ name: "maxmemory-policy", value: CACHE_MAXMEMORY_POLICY }],
          tags,
        },
        { parent },
      );
    }

    function createReplicationGroup(): aws.elasticache.ReplicationGroup {
      const groupArgs: aws.elasticache.ReplicationGroupArgs = {
        replicationGroupId: physicalName(identity, "cache", NAME_LIMITS.elasticacheReplicationGroup),
        description: `${identity.project}/${identity.stack} Celery results and cache`,
        engine,
        engineVersion,
        nodeType: sizing.nodeType,
        numCacheClusters: sizing.nodes,
        automaticFailoverEnabled: highlyAvailable,
        multiAzEnabled: highlyAvailable,
        port: PORTS.redis,
        subnetGroupName: subnetGroup.name,
        securityGroupIds: [args.securityGroupId],
        parameterGroupName: parameterGroup.name,
        atRestEncryptionEnabled: true,
        kmsKeyId: kmsKeyArn,
        transitEncryptionEnabled: true,
        authToken: authToken.result,
        snapshotRetentionLimit: sizing.snapshotRetentionDays,
        finalSnapshotIdentifier: args.safety.finalSnapshot ? physicalName(identity, "cache-final") : undefined,
        autoMinorVersionUpgrade: true,
        applyImmediately,
        tags,
      };
      return new aws.elasticache.ReplicationGroup(
        parent.childName("replication-group"),
        applyTransform(args.transform?.replicationGroup, groupArgs),
        { parent },
      );
    }

    /** The token and a ready-made `rediss://` URL, read by tasks through ECS `secrets` (never env values). */
    function createAuthSecret(): aws.secretsmanager.Secret {
      const secret = new aws.secretsmanager.Secret(
        parent.childName("auth-secret"),
        { description: "ElastiCache AUTH token and TLS connection URL", kmsKeyId: kmsKeyArn, tags },
        { parent },
      );
      new aws.secretsmanager.SecretVersion(
        parent.childName("auth-secret-value"),
        {
          secretId: secret.id,
          secretString: pulumi
            .all([authToken.result, parent.replicationGroup.primaryEndpointAddress])
            .apply(([token, host]) =>
              JSON.stringify({
                [AUTH_SECRET_KEYS.authToken]: token,
                [AUTH_SECRET_KEYS.url]: `rediss://:${token}@${host}:${PORTS.redis}/0`,
              }),
            ),
        },
        { parent },
      );
      return secret;
    }
  }

  /** Lets a role (e.g. an ECS execution role injecting `secrets`) read the AUTH token secret. */
  public grantAuthSecretRead(): pulumi.Output<PolicyStatement[]> {
    return pulumi.all([this.authSecretArn, this.kmsKeyArn]).apply(([secretArn, keyArn]) => [
      { Sid: "ReadCacheAuthSecret", Action: "secretsmanager:GetSecretValue", Resource: secretArn },
      {
        Sid: "DecryptCacheAuthSecret",
        Action: "kms:Decrypt",
        Resource: keyArn,
        Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${this.region}.amazonaws.com` } },
      },
    ]);
  }
}
