/**
 * Owns the dependency contract: the environment variables and secrets every service container gets
 * from what it connects to (DATABASE_*, REDIS_*, `<ROLE>_BUCKET`, TRITON_*), and the connection
 * shapes the data components hand over. It knows those shapes, never the components behind them.
 */
import * as pulumi from "@pulumi/pulumi";
import { DATABASE } from "../../sizing";
import type { InjectedSecret } from "./container";

/**
 * How a service reaches PostgreSQL (the Database component's `connection`): writer and reader hosts,
 * port, database and the IAM-authenticated application user.
 */
export interface DatabaseConnection {
  host: pulumi.Input<string>;
  readerHost: pulumi.Input<string>;
  port: pulumi.Input<number>;
  name: pulumi.Input<string>;
  /** The PostgreSQL user with `rds_iam` the task role may `rds-db:connect` as. */
  user: pulumi.Input<string>;
}

/** How a service reaches Redis (the Cache component's `connection`): endpoint and where its AUTH token is. */
export interface CacheConnection {
  host: pulumi.Input<string>;
  port: pulumi.Input<number>;
  /** Secret holding the Redis AUTH token. */
  authTokenSecretArn: pulumi.Input<string>;
  /** Key of the token when the secret is JSON; the whole secret string when unset. */
  authTokenJsonKey?: string;
}

/** What the gateway and the workers both connect to; becomes environment variables and secrets. */
export interface ServiceDependencies {
  region: string;
  /**
   * PostgreSQL, reached with IAM database authentication: no password is injected. The contract the
   * application honours (docs/data-layer.md, "Database authentication"): for each new connection it uses a token
   * from boto3 `rds.generate_db_auth_token(DBHostname=<this connection's host: DATABASE_HOST or
   * DATABASE_READER_HOST>, Port=DATABASE_PORT, DBUsername=DATABASE_USER, Region=AWS_REGION)` as the
   * password (the token is a SigV4-presigned request for that host: one token per host) (tokens live 15 minutes; a cached
   * token may be reused within ~10 minutes, and AWS does not throttle connections that reuse a token),
   * with `sslmode=verify-full` and `sslrootcert=DATABASE_SSLROOTCERT`. Established sessions outlive
   * their token, so pools need no short recycle.
   */
  database: DatabaseConnection & {
    /**
     * Connections one process of the service may hold to each host (`DATABASE_POOL_MAX`): the
     * gateway's `database.gatewayPoolMax` (one uvicorn process per task), 1 for each Celery worker
     * process; config validation keeps them within the database's `max_connections` budget at every
     * service's max task count (sizing/data.ts databaseConnectionBudget, sizing/rules.ts).
     * @example `6`
     */
    poolMax: number;
  };
  cache: CacheConnection;
  /** Bucket names by role (`models`, `artifacts`, `datasets`); each becomes `<ROLE>_BUCKET`. */
  buckets: Record<string, pulumi.Input<string>>;
  /**
   * Triton over gRPC with TLS (the only client port): `grpcUrl` is `host:port`, `caCertPem` the public CA
   * certificate the server certificate chains to. The contract the application honours (docs/services.md):
   * write TRITON_GRPC_CA_PEM to a file at startup and connect with tritonclient.grpc
   * `InferenceServerClient(url=TRITON_GRPC_URL, ssl=True, root_certificates=<that file>)`.
   */
  triton: { grpcUrl: pulumi.Input<string>; caCertPem: pulumi.Input<string> };
}

/** Environment and secrets every service container gets from its dependencies. */
export function dependencyEnvironment(deps: ServiceDependencies): {
  environment: Record<string, pulumi.Input<string>>;
  secrets: InjectedSecret[];
} {
  const environment: Record<string, pulumi.Input<string>> = {
    AWS_REGION: deps.region,
    DATABASE_HOST: deps.database.host,
    DATABASE_READER_HOST: deps.database.readerHost,
    DATABASE_PORT: pulumi.output(deps.database.port).apply(String),
    DATABASE_NAME: deps.database.name,
    DATABASE_USER: deps.database.user,
    // IAM database authentication: the password of each connection is a token the app generates.
    DATABASE_IAM_AUTH: "true",
    // A token is a bearer credential for 15 minutes: verify the server before sending it.
    DATABASE_SSLMODE: "verify-full",
    DATABASE_SSLROOTCERT: DATABASE.caBundlePath,
    // The process's share of max_connections (sizing/data.ts databaseConnectionBudget): a pool that grows
    // past it at max scale would turn a traffic peak into "too many clients" errors.
    DATABASE_POOL_MAX: String(deps.database.poolMax),
    REDIS_HOST: deps.cache.host,
    REDIS_PORT: pulumi.output(deps.cache.port).apply(String),
    REDIS_TLS: "true",
    TRITON_GRPC_URL: deps.triton.grpcUrl,
    // Public (a CA certificate, no key): a plain variable, like DATABASE_SSLROOTCERT's bundle.
    TRITON_GRPC_CA_PEM: deps.triton.caCertPem,
  };
  for (const [role, bucket] of Object.entries(deps.buckets)) environment[`${role.toUpperCase()}_BUCKET`] = bucket;
  // No database secret: ECS resolves secrets once at task start, and a rotated password would break
  // every running task's next connection.
  const secrets: InjectedSecret[] = [
    { name: "REDIS_AUTH_TOKEN", secretArn: deps.cache.authTokenSecretArn, jsonKey: deps.cache.authTokenJsonKey },
  ];
  return { environment, secrets };
}
