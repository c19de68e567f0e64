/**
 * Pulumi entry point: read and validate the stack's config, build the platform, export its outputs.
 * A config problem throws here, before any resource is registered.
 */
import { loadPlatformConfig } from "./config";
import { buildPlatform } from "./platform";

const config = loadPlatformConfig();
export = buildPlatform(config);
