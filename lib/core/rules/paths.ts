import { error, Finding } from "../findings";
import { ClusterModel, ProcessModelBase, StoreModel, TopologyModel } from "../model";
import { catalogueFor, hasKey, Section } from "../versions/catalogue";
import { keyPathsOf } from "./keys";
import { normaliseHostPath } from "./stores";

/** What RocketMQ keeps at the path a key names. `dirs` is a comma-separated list of directories (MixAll.MULTI_PATH_SPLITTER). */
interface PathKey {
  readonly kind: "dir" | "file" | "dirs";
  readonly what: string;
  /** The default, for the fix: where RocketMQ puts it when the key is not set. */
  readonly fallback?: string;
}

/**
 * Keys whose value is a path RocketMQ writes to (store/.../MessageStoreConfig, BrokerConfig, ControllerConfig,
 * AuthConfig; the tiered store plugin's posix backend). Keys the constructs own (storePathRootDir,
 * storePathCommitLog, kvConfigPath, controllerStorePath, the name server's configStorePath) are keys/owned; the
 * consume queue, index, checkpoint, abort, lock, timer (timerwheel, timerlog) and RocksDB paths are not keys at all: RocketMQ
 * derives them from storePathRootDir (StorePathConfigHelper, TimerMessageStore, the RocksDB config managers).
 */
const DATA_PATH_KEYS: Readonly<Partial<Record<Section, Readonly<Record<string, PathKey>>>>> = {
  broker: {
    storePathDLedgerCommitLog: {
      kind: "dir",
      what: "the DLedger commit log",
      fallback: "${storePathRootDir}/dledger-<selfId>",
    },
    storePathEpochFile: {
      kind: "file",
      what: "the epoch file of controller-mode replication",
      fallback: "${storePathRootDir}/epochFileCheckpoint",
    },
    storePathBrokerIdentity: {
      kind: "file",
      what: "the replica id the controller assigned",
      fallback: "${storePathRootDir}/brokerIdentity",
    },
    readOnlyCommitLogStorePaths: { kind: "dirs", what: "read-only commit log directories" },
    brokerConfigPath: {
      kind: "file",
      what: "configuration changed at run time (updateBrokerConfig)",
      fallback: "the -c file",
    },
  },
  tieredStorePlugin: {
    tieredStoreFilePath: { kind: "dir", what: "the tiered store's files (posix backend)" },
    // The same setting as spelled in 5.1.0 and 5.1.1.
    tieredStoreFilepath: { kind: "dir", what: "the tiered store's files (posix backend)" },
  },
  controller: {
    configStorePath: {
      kind: "file",
      what: "configuration changed at run time (updateControllerConfig)",
      fallback: "${user.home}/controller/controller.properties",
    },
  },
  proxy: {
    authConfigPath: {
      kind: "dir",
      what: "the authentication and ACL metadata (RocksDB, with a local metadata provider)",
    },
  },
};

/** Keys RocketMQ overwrites at startup, so a value in the file has no effect. */
const OVERWRITTEN: Readonly<Partial<Record<Section, Readonly<Record<string, string>>>>> = {
  broker: { authConfigPath: "BrokerStartup sets it to ${storePathRootDir}/config after reading the file" },
};

/**
 * Every extra property whose value is a path RocketMQ writes must lie on the process's persistent store (its volume
 * or host directory, mounted at the store's mountPath): anywhere else the data is written into the container's own
 * file system and is lost when the container is replaced. The error names the key and the mount.
 */
export function checkPathKeys(topology: TopologyModel): Finding[] {
  const findings: Finding[] = [];
  for (const cluster of topology.clusters) {
    const run = (p: Omit<ProcessModelBase, "store"> & { store?: StoreModel }, sections: Section[], process: string) =>
      findings.push(...checkProcess(cluster, p, sections, process));
    for (const ns of cluster.nameServers) run(ns, ["namesrv"], "name server");
    for (const g of cluster.controllerGroups) for (const c of g.controllers) run(c, ["controller"], "controller");
    for (const p of cluster.proxies) run(p, ["proxy"], "proxy");
    for (const set of cluster.brokerSets)
      for (const b of set.members) run(b, ["broker", "tieredStorePlugin"], "broker");
  }
  return findings;
}

function checkProcess(
  cluster: ClusterModel,
  p: Omit<ProcessModelBase, "store"> & { store?: StoreModel },
  sections: Section[],
  process: string,
): Finding[] {
  const findings: Finding[] = [];
  const catalogue = catalogueFor(cluster.version);
  const keyPaths = keyPathsOf(p);
  for (const [key, raw] of Object.entries(p.extraProperties)) {
    if (p.unresolvedProperties?.includes(key)) continue;
    const section = sections.find((s) => hasKey(catalogue, s, key));
    if (section === undefined) continue;
    const at = keyPaths[key] ?? p.path;
    const overwritten = OVERWRITTEN[section]?.[key];
    if (overwritten) {
      findings.push(
        error(
          at,
          "stores/key-path",
          `${key}=${JSON.stringify(String(raw))}: RocketMQ ${cluster.version} ignores the value, ${overwritten}.`,
          `Remove ${key} from the extra properties.`,
        ),
      );
      continue;
    }
    const spec = DATA_PATH_KEYS[section]?.[key];
    if (!spec) continue;
    const value = String(raw).trim();
    const paths = spec.kind === "dirs" ? value.split(",").map((v) => v.trim()) : [value];
    const store = p.store;
    const mount = store ? normaliseHostPath(store.mountPath) : undefined;
    const off = paths.filter((v) => !onStore(v, mount, spec.kind));
    if (off.length === 0) continue;
    const where = store
      ? `the ${process}'s store (mounted at ${store.mountPath})`
      : `the ${process}'s store: the library gives a ${process} none`;
    const relative = off.some((v) => !v.startsWith("/"));
    const fallback = spec.fallback ? ` (by default RocketMQ uses ${spec.fallback})` : "";
    findings.push(
      error(
        at,
        "stores/key-path",
        `${key}=${JSON.stringify(value)}: RocketMQ keeps ${spec.what} there, which is outside ${where}${relative ? `; a relative path is relative to the process's working directory in the container` : ""}. ` +
          `It would be written into the container's own file system and lost when the container is replaced.`,
        store
          ? `Set ${key} to a path under ${store.mountPath}${spec.kind === "file" ? " (a file below it)" : ""}, e.g. ${key}=${store.mountPath}/${example(key)}, or remove ${key}${fallback}.`
          : `Remove ${key} from the ${process}'s properties${fallback}.`,
      ),
    );
  }
  return findings;
}

function example(key: string): string {
  return (
    key
      .replace(/^storePath/, "")
      .replace(/Path$/, "")
      .replace(/^./, (c) => c.toLowerCase()) || "data"
  );
}

/** True when `path` is the mount or below it (strictly below for a file). */
function onStore(path: string, mount: string | undefined, kind: PathKey["kind"]): boolean {
  if (mount === undefined || !path.startsWith("/")) return false;
  const p = normaliseHostPath(path);
  return (kind !== "file" && p === mount) || p.startsWith(mount === "/" ? "/" : mount + "/");
}
