/**
 * Config problems and their printing: one {@link ConfigProblem} per bad key (its key, value and what
 * is allowed), zod issues turned into problems keyed relative to the stack file, and the
 * {@link ConfigError} that lists every problem at once.
 */
import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { allowedKeys } from "./schema";

export interface ConfigProblem {
  key: string;
  value: unknown;
  message: string;
  /** The key was set with `--secret`: its value is never printed. */
  secret?: boolean;
}

/**
 * A refused configuration. A `pulumi.RunError`, because the Pulumi CLI's nodejs language host prints a
 * RunError's message and nothing else (node_modules/@pulumi/pulumi/cmd/run/run.js: "Always hide the
 * stack for RunErrors"); any other error goes through `util.inspect`, which dumps the object. The stack
 * name is `stackName`, not `stack`: a `stack` field would shadow `Error.prototype.stack`.
 */
export class ConfigError extends pulumi.RunError {
  public readonly stackName: string;
  public readonly problems: ConfigProblem[];
  constructor(stackName: string, problems: ConfigProblem[]) {
    super(
      `Invalid configuration for stack "${stackName}" (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - ${p.key} = ${p.secret ? "[secret]" : show(p.value)}: ${p.message}`).join("\n"),
    );
    this.name = "ConfigError";
    this.stackName = stackName;
    this.problems = problems;
  }
}

function show(v: unknown): string {
  if (v === undefined) return "(unset)";
  const s = JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function joinPath(prefix: string, path: PropertyKey[]): string {
  return [prefix, ...path.map(String)].filter((s) => s !== "").join(".");
}

export function zodProblems(issues: z.core.$ZodIssue[], prefix: string, root: unknown): ConfigProblem[] {
  return issues.flatMap((issue) => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((k) => ({
        key: joinPath(prefix, [...issue.path, k]),
        value: valueAt(root, [...issue.path, k]),
        message: `unknown key (allowed here: ${allowedKeys(prefix, issue.path)})`,
      }));
    }
    return [{ key: joinPath(prefix, issue.path), value: valueAt(root, issue.path), message: `expected ${describe(issue)}` }];
  });
}

export function valueAt(root: unknown, path: PropertyKey[]): unknown {
  return path.reduce<unknown>(
    (v, k) => (v !== null && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[k] : undefined),
    root,
  );
}

function describe(issue: z.core.$ZodIssue): string {
  // Zod's own wording is good for ranges ("Too small: expected number to be >=1"); custom messages
  // (the `error:` / regex texts above) already say what is allowed.
  const msg = issue.message.replace(/^Invalid input: /, "");
  return msg.startsWith("expected ") ? msg.slice("expected ".length) : msg;
}
