/**
 * The platform's relational store: one RDS PostgreSQL writer on gp3 in the private subnets, TLS-only,
 * encrypted with the stack key, a generated master password kept in a KMS-encrypted Secrets Manager
 * secret for operators, IAM database authentication for the applications, and read replicas where
 * the tier asks for them.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { DATABASE, type DatabaseSizing, DEFAULTS, PORTS, type SafetySizing } from "../sizing";
import { physicalName, PlatformComponent, type StackContext, applyTransform, type Transform } from "./component";
import { createInstanceLogGroups } from "./database-logs";
import { type PolicyStatement, serviceTrustPolicy } from "./iam";
import type { ObservedDatabase } from "./observability";

/** AWS-managed policy that lets RDS publish enhanced-monitoring metrics to CloudWatch Logs. */
const ENHANCED_MONITORING_POLICY_ARN = "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole";

/**
 * How an application reaches the database, shaped for the services' dependency contract
 * (`ServiceDependencies.database` in components/services/contract.ts): IAM database authentication, so no password.
 */
export interface DatabaseConnection {
  /** Writer host name. */
  host: pulumi.Output<string>;
  /** Host for read-only traffic: the first replica, or the writer when there is none. */
  readerHost: pulumi.Output<string>;
  port: pulumi.Output<number>;
  /** The database created on the instance. */
  name: pulumi.Output<string>;
  /** The PostgreSQL user with `rds_iam` ({@link Database.grantConnect}). */
  user: string;
}

export interface DatabaseArgs {
  /**
   * The stack: identity for names and tags, region and account (the `rds-db:connect` ARN of IAM
   * authentication grants, the monitoring role's trust), the stack's KMS key (storage, master
   * secret, Performance Insights, exported logs) and log retention (exported logs).
   */
  context: StackContext;
  /** Instance class, storage, Multi-AZ, replicas, backups, monitoring, from the tier table. */
  sizing: DatabaseSizing;
  /** Deletion protection and final snapshot, from the tier table. */
  safety: Pick<SafetySizing, "deletionProtection" | "finalSnapshot">;
  /** Private subnets of the network (the subnet group spans them). */
  subnetIds: pulumi.Input<string[]>;
  /** The network's `database` security group (admits only the gateway and workers on 5432). */
  securityGroupId: pulumi.Input<string>;
  /**
   * Apply modifications (a tier switch's instance class, storage) now instead of in the next
   * maintenance window. With `false` the provider reads back the old class until the window, so every
   * `pulumi up` before it shows the same `instanceClass` change again; the platform passes `true`
   * (a Multi-AZ resize then fails over at once, ~1–2 min).
   * @default `false`
   */
  applyImmediately?: boolean;
  /**
   * Database created on the instance.
   * @default `"platform"`
   */
  databaseName?: string;
  /**
   * Master user. Not `postgres` (FSBP RDS.25: a default admin name is the first one attackers try).
   * @default `"platform_admin"`
   */
  masterUsername?: string;
  /**
   * The PostgreSQL user the applications connect as with IAM database authentication
   * ({@link Database.grantConnect}); created once by the bootstrap runbook (`CREATE USER … ; GRANT rds_iam …`).
   * @default `DATABASE.applicationUser` (`"app"`)
   */
  applicationUser?: string;
  /**
   * PostgreSQL major version; auto minor upgrades pick the minor.
   * @default `DEFAULTS.postgresVersion` (`"17"`)
   */
  engineVersion?: string;
  /**
   * Parameter group family; must match `engineVersion`.
   * @default `DEFAULTS.postgresParameterFamily` (`"postgres17"`)
   */
  parameterFamily?: string;
  /**
   * Adjust the writer's arguments without forking this component. The writer's log groups are named
   * from the transformed `identifier` and `enabledCloudwatchLogsExports`, so both must stay plain
   * values (an `identifierPrefix` is refused).
   * @example `{ instance: (args) => ({ ...args, backupWindow: "03:00-04:00" }) }`
   * @default - no transform
   */
  transform?: { instance?: Transform<aws.rds.InstanceArgs> };
}

/**
 * RDS PostgreSQL with the security settings of FSBP RDS.2/3/5/8/9/10/13/17/25/38 and point-in-time
 * recovery (automated backups, `sizing.backupRetentionDays`).
 *
 * ```ts
 * const database = new Database("database", { context, sizing: sizing.database,
 *   safety: sizing.safety, subnetIds: network.privateSubnetIds,
 *   securityGroupId: network.securityGroups.database.id });
 * const connect = database.grantConnect("app");
 * // services: dependencies: { database: database.connection, ... }
 * ```
 *
 * **Cost** (us-east-1, on demand): db.t4g.micro $0.016/h (~$12/month), db.t4g.medium $0.065/h (~$47),
 * db.m7g.large $0.168/h (~$123); Multi-AZ doubles the instance price; gp3 $0.115/GB-month; backups
 * beyond the database's size $0.095/GB-month; each read replica is another instance. Performance
 * Insights' 7-day retention is free; enhanced monitoring and the exported logs cost CloudWatch Logs
 * ingestion and storage.
 */
export class Database extends PlatformComponent {
  /** The writer. */
  public readonly instance: aws.rds.Instance;
  /** Read replicas (as many as `sizing.readReplicas`). */
  public readonly replicas: aws.rds.Instance[];
  /**
   * The CloudWatch log groups the writer and each replica export their logs to, one per log type,
   * created before their instance with the stack's retention and key (components/database-logs.ts).
   */
  public readonly logGroups: aws.cloudwatch.LogGroup[] = [];
  /** Writer endpoint `host:port`. */
  public readonly endpoint: pulumi.Output<string>;
  /** Writer host name. */
  public readonly address: pulumi.Output<string>;
  /** Host for read-only traffic: the first replica, or the writer when there is none. */
  public readonly readerEndpoint: pulumi.Output<string>;
  public readonly port: pulumi.Output<number>;
  public readonly databaseName: pulumi.Output<string>;
  public readonly masterUsername: pulumi.Output<string>;
  /**
   * ARN of the Secrets Manager secret holding the master credentials (RDS's secret JSON shape:
   * `engine`, `host`, `port`, `username`, `password`, `dbname`). For operators and bootstrap only:
   * the applications use IAM authentication as {@link applicationUser}.
   */
  public readonly masterSecretArn: pulumi.Output<string>;
  /** The secret itself. */
  public readonly masterSecret: aws.secretsmanager.Secret;
  /** The PostgreSQL user of the applications (IAM authentication, no password). */
  public readonly applicationUser: string;
  /** Writer instance identifier (CloudWatch `DBInstanceIdentifier` dimension). */
  public readonly writerIdentifier: pulumi.Output<string>;
  /** Identifiers of the writer then every replica, for alarms. */
  public readonly instanceIdentifiers: pulumi.Output<string[]>;
  /** Identifiers of the replicas only (replica-lag alarms). */
  public readonly replicaIdentifiers: pulumi.Output<string[]>;
  /** Host, reader host, port, database and user for the applications (see {@link DatabaseConnection}). */
  public readonly connection: DatabaseConnection;
  /** What Observability watches: the writer and each replica (its `database`). */
  public readonly observedInstances: ObservedDatabase;

  private readonly region: string;
  private readonly accountId: pulumi.Input<string>;
  private readonly kmsKeyArn: pulumi.Input<string>;

  constructor(name: string, args: DatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("database", "Database", name, opts);
    const applyImmediately = args.applyImmediately ?? false;
    const databaseName = args.databaseName ?? "platform";
    const masterUsername = args.masterUsername ?? "platform_admin";
    const applicationUser = args.applicationUser ?? DATABASE.applicationUser;
    const engineVersion = args.engineVersion ?? DEFAULTS.postgresVersion;
    const parameterFamily = args.parameterFamily ?? DEFAULTS.postgresParameterFamily;
    const { sizing, safety } = args;
    const { identity, region, accountId, kmsKeyArn } = args.context;
    const tags = identity.tags;
    const parent = this;
    this.region = region;
    this.accountId = accountId;
    this.kmsKeyArn = kmsKeyArn;

    if (masterUsername === "postgres") {
      throw new Error('Database: `masterUsername` must not be "postgres" (FSBP RDS.25); choose an application-specific name.');
    }
    if (applicationUser === masterUsername) {
      throw new Error(`Database: \`applicationUser\` "${applicationUser}" must differ from \`masterUsername\` (the master keeps password authentication for operators).`);
    }
    this.applicationUser = applicationUser;

    const masterPassword = createMasterPassword();
    const subnetGroup = createSubnetGroup();
    const parameterGroup = createParameterGroup();
    const monitoring = sizing.monitoringIntervalSeconds > 0 ? createMonitoringRole() : undefined;
    this.instance = createWriter();
    this.replicas = Array.from({ length: sizing.readReplicas }, (_, i) => createReplica(i + 1));

    this.endpoint = this.instance.endpoint;
    this.address = this.instance.address;
    this.readerEndpoint = this.replicas.length > 0 ? this.replicas[0].address : this.instance.address;
    this.port = this.instance.port;
    this.databaseName = pulumi.output(databaseName);
    this.masterUsername = pulumi.output(masterUsername);
    this.masterSecret = createMasterSecret();
    this.masterSecretArn = this.masterSecret.arn;
    this.writerIdentifier = this.instance.identifier;
    this.observedInstances = { writerInstanceId: this.writerIdentifier, replicaInstanceIds: this.replicas.map((r) => r.identifier) };
    this.replicaIdentifiers = pulumi.all(this.replicas.map((r) => r.identifier));
    this.instanceIdentifiers = pulumi
      .all([this.writerIdentifier, this.replicaIdentifiers])
      .apply(([writer, replicas]) => [writer, ...replicas]);
    this.connection = {
      host: this.address,
      readerHost: this.readerEndpoint,
      port: this.port,
      name: this.databaseName,
      user: this.applicationUser,
    };

    this.registerOutputs({
      endpoint: this.endpoint,
      address: this.address,
      readerEndpoint: this.readerEndpoint,
      port: this.port,
      databaseName: this.databaseName,
      masterSecretArn: this.masterSecretArn,
      writerIdentifier: this.writerIdentifier,
      instanceIdentifiers: this.instanceIdentifiers,
    });

    /**
     * Why not `manageMasterUserPassword`: RDS refuses to create a read replica of a source whose
     * master password it manages ("Creating read replicas for source instance with engine postgres
     * where ManageMasterUserPassword is enabled is not supported": RDS user guide, "Limitations for
     * Secrets Manager integration"; terraform-aws-modules/terraform-aws-rds#532), so the 100k tier's
     * replica could never be created. The price: the password is in Pulumi state, encrypted as a secret.
     * Letters and digits only (RDS refuses '/', '"', '@' and spaces).
     */
    function createMasterPassword(): random.RandomPassword {
      return new random.RandomPassword(
        parent.childName("master-password"),
        { length: DATABASE.masterPasswordLength, special: false },
        { parent },
      );
    }

    /** The operators' copy of the master credentials, in the JSON shape RDS's own secrets use. */
    function createMasterSecret(): aws.secretsmanager.Secret {
      const secret = new aws.secretsmanager.Secret(
        parent.childName("master-secret"),
        { description: "RDS master credentials (operators and bootstrap only; applications use IAM auth)", kmsKeyId: kmsKeyArn, tags },
        { parent },
      );
      new aws.secretsmanager.SecretVersion(
        parent.childName("master-secret-value"),
        {
          secretId: secret.id,
          secretString: pulumi
            .all([masterPassword.result, parent.instance.address, parent.instance.port])
            .apply(([password, host, port]) =>
              JSON.stringify({ engine: "postgres", host, port, username: masterUsername, password, dbname: databaseName }),
            ),
        },
        { parent },
      );
      return secret;
    }

    function createSubnetGroup(): aws.rds.SubnetGroup {
      return new aws.rds.SubnetGroup(
        parent.childName("subnets"),
        {
          name: physicalName(identity, "db"),
          description: `${identity.project}/${identity.stack} database, private subnets`,
          subnetIds: args.subnetIds,
          tags,
        },
        { parent },
      );
    }

    /** Auto-named, so a future major upgrade (new family) can create the new group before dropping the old. */
    function createParameterGroup(): aws.rds.ParameterGroup {
      return new aws.rds.ParameterGroup(
        parent.childName("parameters"),
        {
          family: parameterFamily,
          description: "TLS only, slow-query logging",
          parameters: [
            { name: "rds.force_ssl", value: "1" },
            { name: "log_min_duration_statement", value: String(sizing.slowQueryMs) },
          ],
          tags,
        },
        { parent },
      );
    }

    /**
     * The role and its policy attachment: instances wait for the attachment, because RDS checks the
     * role's permissions when monitoring is turned on ("IAM role ARN value is invalid or does not
     * include the required permissions for: ENHANCED_MONITORING").
     */
    function createMonitoringRole(): { role: aws.iam.Role; attachment: aws.iam.RolePolicyAttachment } {
      const role = new aws.iam.Role(
        parent.childName("monitoring-role"),
        { assumeRolePolicy: serviceTrustPolicy("monitoring.rds.amazonaws.com", accountId), tags },
        { parent },
      );
      const attachment = new aws.iam.RolePolicyAttachment(
        parent.childName("monitoring-policy"),
        { role: role.name, policyArn: ENHANCED_MONITORING_POLICY_ARN },
        { parent },
      );
      return { role, attachment };
    }

    /**
     * Instances wait for the monitoring attachment and for their own log groups (RDS would otherwise
     * create those itself, unencrypted by the stack key and kept forever: components/database-logs.ts).
     */
    function instanceOpts(logGroups: aws.cloudwatch.LogGroup[]): pulumi.CustomResourceOptions {
      return { parent, dependsOn: [...(monitoring ? [monitoring.attachment] : []), ...logGroups] };
    }

    /** The log groups of the instance created with `instanceArgs` as child `role` (also kept in `logGroups`). */
    function createLogGroups(role: string, instanceArgs: aws.rds.InstanceArgs): aws.cloudwatch.LogGroup[] {
      const { identifier, enabledCloudwatchLogsExports: logExports } = instanceArgs;
      if (typeof identifier !== "string") {
        throw new Error(`Database: the ${role} needs a plain \`identifier\` (not \`identifierPrefix\`, not an output): RDS names its log groups from it, and they are created before it.`);
      }
      if (logExports !== undefined && (!Array.isArray(logExports) || !logExports.every((t): t is string => typeof t === "string"))) {
        throw new Error(`Database: the ${role}'s \`enabledCloudwatchLogsExports\` must be a plain list of log types: each gets its log group before the instance exists.`);
      }
      const logGroups = createInstanceLogGroups(parent.childName(role), { context: args.context, identifier, logExports: logExports ?? [] }, parent);
      parent.logGroups.push(...logGroups);
      return logGroups;
    }

    /** Settings the writer and its replicas share. */
    function commonArgs(): Partial<aws.rds.InstanceArgs> {
      return {
        instanceClass: sizing.instanceClass,
        storageType: "gp3",
        maxAllocatedStorage: sizing.maxAllocatedStorageGiB,
        storageEncrypted: true,
        kmsKeyId: kmsKeyArn,
        vpcSecurityGroupIds: [args.securityGroupId],
        parameterGroupName: parameterGroup.name,
        publiclyAccessible: false,
        iamDatabaseAuthenticationEnabled: true,
        // iam-db-auth-error: why an IAM-token login failed (expired token, wrong host, missing rds_iam),
        // which the postgresql log only reports as a PAM failure. RDS for PostgreSQL accepts
        // postgresql | upgrade | iam-db-auth-error (CreateDBInstance EnableCloudwatchLogsExports,
        // https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html; RDS user
        // guide "Troubleshooting for IAM DB authentication"), with no engine-version floor documented there.
        // Replicas export it too: the reader endpoint at 100k takes IAM logins of its own.
        enabledCloudwatchLogsExports: [...DATABASE.logExports],
        performanceInsightsEnabled: sizing.performanceInsights,
        performanceInsightsKmsKeyId: sizing.performanceInsights ? kmsKeyArn : undefined,
        monitoringInterval: sizing.monitoringIntervalSeconds,
        monitoringRoleArn: monitoring?.role.arn,
        autoMinorVersionUpgrade: true,
        copyTagsToSnapshot: true,
        deletionProtection: safety.deletionProtection,
        applyImmediately,
        port: PORTS.postgres,
        tags,
      };
    }

    function createWriter(): aws.rds.Instance {
      const instanceArgs: aws.rds.InstanceArgs = {
        ...commonArgs(),
        instanceClass: sizing.instanceClass,
        identifier: physicalName(identity, "db"),
        engine: "postgres",
        engineVersion,
        allocatedStorage: sizing.allocatedStorageGiB,
        dbName: databaseName,
        username: masterUsername,
        // Not manageMasterUserPassword: RDS cannot replicate such a source (see createMasterPassword).
        password: masterPassword.result,
        dbSubnetGroupName: subnetGroup.name,
        multiAz: sizing.multiAz,
        backupRetentionPeriod: sizing.backupRetentionDays,
        skipFinalSnapshot: !safety.finalSnapshot,
        finalSnapshotIdentifier: safety.finalSnapshot ? physicalName(identity, "db-final") : undefined,
        // Automated backups go with the instance unless kept: keep them wherever a final snapshot is wanted.
        deleteAutomatedBackups: !safety.finalSnapshot,
      };
      const writerArgs = applyTransform(args.transform?.instance, instanceArgs);
      return new aws.rds.Instance(parent.childName("writer"), writerArgs, instanceOpts(createLogGroups("writer", writerArgs)));
    }

    /**
     * A same-region read replica: engine, version, credentials, database and subnet group come from
     * the writer. Replicas keep no backups of their own and never take a final snapshot. They carry
     * no deletion protection either: they hold no data the writer lacks, and a protected replica
     * would make every switch away from the top tier fail (AWS refuses to delete it).
     */
    function createReplica(index: number): aws.rds.Instance {
      // A same-region replica is encrypted with its source's key; CreateDBInstanceReadReplica refuses
      // a KmsKeyId here (src/plan/refusals/, rds-replica-kms-key-same-region).
      const { kmsKeyId: _inheritedFromSource, ...shared } = commonArgs();
      const replicaArgs: aws.rds.InstanceArgs = {
        ...shared,
        instanceClass: sizing.instanceClass,
        identifier: physicalName(identity, `db-replica-${index}`),
        replicateSourceDb: parent.instance.identifier,
        multiAz: false,
        backupRetentionPeriod: 0,
        skipFinalSnapshot: true,
        deletionProtection: false,
      };
      const role = `replica-${index}`;
      return new aws.rds.Instance(parent.childName(role), replicaArgs, instanceOpts(createLogGroups(role, replicaArgs)));
    }
  }

  /**
   * Lets a role connect as `dbUser` with IAM database authentication (a 15-minute token instead of
   * a password) to the writer and every replica: the `rds-db:connect` ARN names each instance's
   * resource id, and {@link readerEndpoint} is a replica where there is one. The user must exist in
   * PostgreSQL with `GRANT rds_iam TO <dbUser>` (replicas inherit it from the writer).
   */
  public grantConnect(dbUser: string): pulumi.Output<PolicyStatement[]> {
    const resourceIds = pulumi.all([this.instance, ...this.replicas].map((i) => i.resourceId));
    return pulumi.all([resourceIds, this.accountId]).apply(([ids, account]) => [
      {
        Sid: "ConnectWithIamAuth",
        Action: "rds-db:connect",
        Resource: ids.map((id) => `arn:aws:rds-db:${this.region}:${account}:dbuser:${id}/${dbUser}`),
      },
    ]);
  }

  /** Lets a role (e.g. an ECS execution role injecting `secrets`) read the master credentials. */
  public grantMasterSecretRead(): pulumi.Output<PolicyStatement[]> {
    return pulumi.all([this.masterSecretArn, this.kmsKeyArn]).apply(([secretArn, keyArn]) => [
      { Sid: "ReadDatabaseMasterSecret", Action: "secretsmanager:GetSecretValue", Resource: secretArn },
      {
        Sid: "DecryptDatabaseMasterSecret",
        Action: "kms:Decrypt",
        Resource: keyArn,
        Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${this.region}.amazonaws.com` } },
      },
    ]);
  }
}
