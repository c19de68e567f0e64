/**
 * What the Pulumi CLI prints for an error a program throws, computed with @pulumi/pulumi's own code.
 *
 * The nodejs language host (node_modules/@pulumi/pulumi/cmd/run/run.js, `uncaughtHandler` inside
 * `run`) logs an uncaught program error by this branch, which is not exported:
 *   RunError.isInstance(err)      → log.error(err.message)                  ("Always hide the stack")
 *   ResourceError.isInstance(err) → err.hideStack ? err.message : defaultErrorMessage(err)
 *   anything else                 → "Running program '<program>' failed with an unhandled exception:\n" + defaultErrorMessage(err)
 * `defaultErrorMessage` (cmd/run/error.js) is imported and called as is; it is `util.inspect(err)`
 * whenever `err.stack` is truthy. test/config-cli-format.test.ts pins the branch text in run.js, so an
 * SDK upgrade that changes it fails the suite instead of leaving this helper stale.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
// error.d.ts omits the @internal function; the module itself exports it (cmd/run/error.js).
import * as cliError from "@pulumi/pulumi/cmd/run/error";

const { defaultErrorMessage } = cliError as unknown as { defaultErrorMessage: (err: unknown) => string };

/** Path of the run.js whose branch this helper follows (for the pinning test). */
export const RUN_JS = path.join(path.dirname(require.resolve("@pulumi/pulumi/package.json")), "cmd", "run", "run.js");

/** ANSI colour codes util.inspect adds with `colors: true`. */
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

export function cliPrints(err: unknown, program = "."): string {
  let text: string;
  if (pulumi.RunError.isInstance(err)) text = (err as Error).message;
  else if (pulumi.ResourceError.isInstance(err)) text = (err as pulumi.ResourceError).hideStack ? (err as Error).message : defaultErrorMessage(err);
  else text = `Running program '${program}' failed with an unhandled exception:\n${defaultErrorMessage(err)}`;
  return text.replace(ANSI, "");
}
