/**
 * Owns the container definition every Fargate service runs (read-only root filesystem with a
 * writable scratch volume, non-root user, no Linux capabilities, secrets by reference only,
 * non-blocking JSON logs) and how an injected secret is referenced (`valueFrom`).
 */
import type * as pulumi from "@pulumi/pulumi";
import { SERVICES } from "../../sizing";

/** A secret injected into the container: ECS resolves it at start from Secrets Manager. */
export interface InjectedSecret {
  /** Environment variable name inside the container. */
  name: string;
  /** ARN of the Secrets Manager secret (the execution role may read exactly these). */
  secretArn: pulumi.Input<string>;
  /** Key of a JSON secret to inject (e.g. `password` of an RDS-managed secret); the whole value when unset. */
  jsonKey?: string;
}

/** `valueFrom` of an ECS secret: the ARN, or `<arn>:<json-key>::` for one key of a JSON secret. */
export function secretValueFrom(secretArn: string, jsonKey?: string): string {
  return jsonKey ? `${secretArn}:${jsonKey}::` : secretArn;
}

export interface ContainerSpec {
  name: string;
  image: string;
  command?: string[];
  port?: number;
  environment: Record<string, string>;
  secrets: { name: string; valueFrom: string }[];
  logGroupName: string;
  region: string;
  /** An HTTP path probed inside the container (Docker health check). */
  healthCheckPath?: string;
}

/**
 * The container definition every service uses: read-only root filesystem with a writable scratch
 * volume, a non-root user, all Linux capabilities dropped, secrets by reference only, and awslogs in
 * non-blocking mode (a CloudWatch hiccup must not freeze the API; logs are JSON lines from the app).
 */
export function containerDefinition(spec: ContainerSpec): Record<string, unknown> {
  const hc = SERVICES.containerHealthCheck;
  return {
    name: spec.name,
    image: spec.image,
    essential: true,
    ...(spec.command ? { command: spec.command } : {}),
    user: SERVICES.containerUser,
    readonlyRootFilesystem: true,
    privileged: false,
    linuxParameters: { initProcessEnabled: true, capabilities: { drop: ["ALL"] } },
    mountPoints: [{ sourceVolume: SCRATCH_VOLUME, containerPath: SERVICES.scratchPath, readOnly: false }],
    portMappings: spec.port ? [{ containerPort: spec.port, protocol: "tcp", name: "http" }] : [],
    environment: Object.entries(spec.environment)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, value]) => ({ name, value })),
    secrets: spec.secrets,
    stopTimeout: SERVICES.stopTimeoutSeconds,
    ...(spec.healthCheckPath && spec.port
      ? {
          healthCheck: {
            // The Python image has no curl; its standard library can probe the endpoint.
            command: [
              "CMD-SHELL",
              `python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:${spec.port}${spec.healthCheckPath}', timeout=${hc.timeoutSeconds - 1})" || exit 1`,
            ],
            interval: hc.intervalSeconds,
            timeout: hc.timeoutSeconds,
            retries: hc.retries,
            startPeriod: hc.startPeriodSeconds,
          },
        }
      : {}),
    logConfiguration: {
      logDriver: "awslogs",
      options: {
        "awslogs-group": spec.logGroupName,
        "awslogs-region": spec.region,
        "awslogs-stream-prefix": spec.name,
        mode: "non-blocking",
        "max-buffer-size": SERVICES.logBufferSize,
      },
    },
  };
}

/** The bind-mount volume on Fargate ephemeral storage that backs `SERVICES.scratchPath`. */
export const SCRATCH_VOLUME = "scratch";
