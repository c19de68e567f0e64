/**
 * Container image references, by the OCI distribution grammar (github.com/distribution/reference,
 * reference.go):
 *
 *   reference      := name [ ":" tag ] [ "@" digest ]
 *   name           := [domain "/"] remote-name
 *   domain         := host [":" port-number]      host := domain-name | IPv4 | "[" IPv6 "]"
 *   domain-name    := component ("." component)*  component := [a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?
 *   remote-name    := path-component ("/" path-component)*
 *   path-component := [a-z0-9]+ (separator [a-z0-9]+)*   separator := [_.] | "__" | "-"+
 *   tag            := [\w][\w.-]{0,127}
 *   digest         := algorithm ":" hex           (sha256: 64 lowercase hex)
 *
 * Shared by config (src/config/) and the image-pin rules, so both read `host:5000/app:1.2@sha256:…`
 * the same way. A pinned reference has a tag or a digest, and its tag is not `latest` in any case.
 */

const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN_NAME = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*`;
const IPV6 = "\\[(?:[a-fA-F0-9:]+)\\]";
const HOST = `(?:${DOMAIN_NAME}|${IPV6})`;
const DOMAIN = `${HOST}(?::[0-9]+)?`;
const PATH_COMPONENT = "[a-z0-9]+(?:(?:[_.]|__|[-]+)[a-z0-9]+)*";
const REMOTE_NAME = `${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const TAG = "[\\w][\\w.-]{0,127}";
const DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
const REFERENCE = new RegExp(`^((?:${DOMAIN}/)?${REMOTE_NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);

/** The name's maximum length (reference.go NameTotalLengthMax). */
const NAME_MAX = 255;

export interface ImageReference {
  name: string;
  tag?: string;
  digest?: string;
}

/** Parses an image reference, or returns why it is not one. */
export function parseImageReference(text: string): { ok: true; ref: ImageReference } | { ok: false; error: string } {
  const m = REFERENCE.exec(text);
  if (!m) return { ok: false, error: "an image reference such as registry.example.com:5000/team/app:1.2.3 or ...@sha256:<64 hex> (OCI distribution grammar)" };
  const [, name, tag, digest] = m;
  // A domain is only a domain when the first component has a `.` or `:` or is localhost; otherwise
  // it is part of the path and must be lower case (reference.go splitDockerDomain).
  const first = name.split("/")[0];
  const isDomain = name.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost" || first.startsWith("["));
  if (!isDomain && /[A-Z]/.test(name)) return { ok: false, error: "a repository name in lower case" };
  if (name.length > NAME_MAX) return { ok: false, error: `a repository name of at most ${NAME_MAX} characters` };
  if (digest?.startsWith("sha256:") && !/^sha256:[0-9a-f]{64}$/.test(digest)) return { ok: false, error: "a sha256 digest of 64 lowercase hex characters" };
  return { ok: true, ref: { name, tag, digest } };
}

/** Undefined when the reference is valid and pinned (tag other than latest, or digest); else what is wrong. */
export function imagePinProblem(text: string): string | undefined {
  const r = parseImageReference(text);
  if (!r.ok) return r.error;
  if (!r.ref.tag && !r.ref.digest) return "an image reference with a tag or digest";
  if (r.ref.tag && r.ref.tag.toLowerCase() === "latest" && !r.ref.digest) return "a pinned tag, not latest";
  if (r.ref.tag && r.ref.tag.toLowerCase() === "latest") return "a pinned tag, not latest (drop :latest and keep the digest)";
  return undefined;
}
