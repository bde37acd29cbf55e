/**
 * What a change does to the RocketMQ processes of one stack, as a target reads it from two synthesized outputs:
 * target-neutral data that the change report (lib/report/impact.ts) turns into restarts, quorum and waves. Each target
 * reads its own output (the Docker target: docker_container resources; lib/targets/docker/changes.ts).
 *
 * Pure: no cdktf.
 */
import { ACL2_FILE_HEADER } from "./render/acl";
import { parseProperties } from "./render/properties";

/** One RocketMQ process as a target's synthesized output shows it. */
export interface ProcessSnapshot {
  /** Stable across two outputs: `<provider alias>/<container name>`. */
  readonly key: string;
  /** Its name on its host (the container name). */
  readonly name: string;
  /** The resource address, for `tofu apply -target=<address>`. */
  readonly address: string;
  /** Its labels: `rocketmq.role`, `rocketmq.cluster`, `rocketmq.host`, `rocketmq.brokerName`, `rocketmq.brokerId`. */
  readonly labels: Readonly<Record<string, string>>;
  /** The files it reads, by path. */
  readonly files: Readonly<Record<string, string>>;
  /**
   * The stack output holding the user-data of the VM it runs on, for a process of a VM: it restarts when that VM is
   * replaced, not by a resource of its own (`address` is then the output).
   * @default none: a resource of its own (a container)
   */
  readonly vm?: string;
  /**
   * Where a broker keeps its store (what is mounted, or the directory, at its storePathRootDir): `volume x`,
   * `host directory /data/x`, `directory /var/lib/rocketmq/x on vm28_userData`.
   * @default none: not a broker, or not known
   */
  readonly store?: string;
}

/** Whether a process's resource address is a Kubernetes object's (its process runs as a pod). */
export function isPodAddress(address: string): boolean {
  return /^(kubectl|kubernetes)_manifest\./.test(address);
}

/** Why a process's resource changes: what replaces it (a restart) and what is updated in place. */
export interface ProcessDiff {
  readonly replace: readonly string[];
  readonly inPlace: readonly string[];
}

/** The processes of one stack before and after a change, as its target read them. */
export interface StackChanges {
  readonly before: ReadonlyMap<string, ProcessSnapshot>;
  readonly after: ReadonlyMap<string, ProcessSnapshot>;
  /** For each process in both, what changes; a process left out does not change. */
  readonly diffs: ReadonlyMap<string, ProcessDiff>;
  /** Stores the change deletes or renames: their data would be lost. */
  readonly storesLost: readonly string[];
  /**
   * The user's own resources of the stack (not the library's processes) that the change replaces, with why: a client
   * container that reads the cluster's namesrvAddr restarts when the name servers change.
   * @default none
   */
  readonly others?: readonly OtherChange[];
}

/** A resource of the user's own that a change replaces. */
export interface OtherChange {
  readonly name: string;
  readonly address: string;
  readonly reasons: readonly string[];
}

/** One stack's changes read by several targets (a stack with Docker hosts and VMs): their processes side by side. */
export function mergeChanges(parts: readonly StackChanges[]): StackChanges {
  return {
    before: new Map(parts.flatMap((p) => [...p.before])),
    after: new Map(parts.flatMap((p) => [...p.after])),
    diffs: new Map(parts.flatMap((p) => [...p.diffs])),
    storesLost: parts.flatMap((p) => p.storesLost).sort(),
    others: parts.flatMap((p) => p.others ?? []),
  };
}

/** What changed between two versions of a file the library uploads: keys of a properties file or rmq-proxy.json. */
/** Properties whose value is a secret (ACL 2.0's bootstrap accounts; any secret key or password). */
const SECRET_PROPERTY = /^(initAuthenticationUser|innerClientAuthenticationCredentials)$|(secretKey|password)$/i;

/** A line of a change report with every secret-bearing system property's value replaced by `(not shown)`. */
export function withoutSecrets(line: string): string {
  return line.replace(/(-D[\w.]*(?:secretKey|password))=\S*/gi, "$1=(not shown)");
}

/**
 * Why no report shows a file's content, or undefined when it may: a file that holds secrets (an ACL file, any YAML the
 * library writes, a file the plan marks secret), or a TLS certificate or key (a key is a secret, and a certificate's
 * lines mean nothing one by one).
 */
export function opaqueFile(file: string, secret = false): string | undefined {
  if (secret || /\.ya?ml$/.test(file)) return "it holds secrets: its content is not shown";
  if (/\.(crt|key|pem)$/.test(file)) return "a TLS certificate or key: its content is not shown";
  return undefined;
}

/** The settings of a properties file or a JSON file (rmq-proxy.json), by key: what a report compares and shows. */
export function settingsOf(file: string, content: string): Record<string, string> {
  if (file.endsWith(".json")) {
    try {
      const json: unknown = JSON.parse(content);
      const entries = typeof json === "object" && json !== null ? Object.entries(json) : [];
      return Object.fromEntries(entries.map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
    } catch {
      return { "(content)": content };
    }
  }
  return parseProperties(content);
}

/**
 * The settings of a process's own RocketMQ properties file (broker.properties, namesrv.properties,
 * controller.properties; not tls.properties), by key: empty for a process without one (a proxy, the console). What the
 * change report, its readers and the rollout read a process's identity from.
 */
export function serverProperties(files: Readonly<Record<string, string>>): Record<string, string> {
  const main = Object.keys(files)
    .filter((f) => f.endsWith(".properties") && !f.endsWith("/tls.properties"))
    .sort()[0];
  return main === undefined ? {} : parseProperties(files[main]);
}

/** A setting's value as a report shows it: a secret's (a secret key, a password, ACL 2.0's accounts) never. */
export function shownValue(key: string, value: string): string {
  return SECRET_PROPERTY.test(key) ? "(a secret: not shown)" : value;
}

/** What changed in each file of a process, by file name order: `fileChanges` of every file either side has. */
export function filesChanges(
  before: Readonly<Record<string, string>>,
  after: Readonly<Record<string, string>>,
): string[] {
  const files = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return files.flatMap((f) => fileChanges(f, before[f], after[f]));
}

/** Per process in both `before` and `after` (by key), what `compare` says changes; a process without change is left out. */
export function processDiffs<T>(
  before: ReadonlyMap<string, T>,
  after: ReadonlyMap<string, T>,
  compare: (a: T, b: T) => ProcessDiff,
): Map<string, ProcessDiff> {
  const diffs = new Map<string, ProcessDiff>();
  for (const [key, b] of after) {
    const a = before.get(key);
    if (a === undefined) continue;
    const d = compare(a, b);
    if (d.replace.length || d.inPlace.length) diffs.set(key, d);
  }
  return diffs;
}

export function fileChanges(file: string, before: string | undefined, after: string | undefined): string[] {
  const base = file.slice(file.lastIndexOf("/") + 1);
  const opaque = opaqueFile(file);
  if (opaque !== undefined && before !== undefined && after !== undefined) {
    if (before === after) return [];
    const line = `${base} changed (${opaque})`;
    // ACL 2.0: each broker rebuilds its accounts from the file at every start.
    return after.includes(ACL2_FILE_HEADER)
      ? [
          `${line}; ACL 2.0: each broker rebuilds its accounts from it when it starts again (accounts made with mqadmin or the console are dropped then)`,
        ]
      : [line];
  }
  if (before === undefined) return [`${base} added`];
  if (after === undefined) return [`${base} removed`];
  if (before === after) return [];
  const a = settingsOf(base, before);
  const b = settingsOf(base, after);
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  const out = keys
    .filter((k) => a[k] !== b[k])
    .map((k) =>
      SECRET_PROPERTY.test(k)
        ? `${base} ${k}: changed (a secret: not shown)`
        : `${base} ${k}: ${a[k] ?? "(unset)"} -> ${b[k] ?? "(unset)"}`,
    );
  return out.length ? out : [`${base}: comments only`];
}
