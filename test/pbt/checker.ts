/**
 * An independent checker of the invariants a deployable topology satisfies, written from RocketMQ's and Docker's
 * facts (shared/reference/rocketmq/semantics.md, the README's contract) and not from the library's rule code: it
 * imports none of lib/core/rules. It judges a Spec (what the user declared) and, for accepted topologies, what the
 * library generated (process plans or the synthesized Terraform JSON).
 */
import { parseProperties } from "../../lib/core/render/properties";
import { ProcessKind, ProcessPlan } from "../../lib/core/plan";
import { EXTRA_KEYS, Placed, placeAll, Spec } from "./spec";
import { withInitFiles } from "../helpers";

export type Category = "ports" | "stores" | "names" | "ids" | "versions" | "keys" | "jvm";

/** The invariant a library rule reports on. */
export function categoryOf(rule: string): Category | "other" {
  if (rule.startsWith("ports/")) return "ports";
  if (rule === "stores/container-name" || rule.startsWith("names/")) return "names";
  if (rule === "stores/key-path" || rule.startsWith("keys/")) return "keys";
  if (rule.startsWith("stores/")) return "stores";
  if (rule.startsWith("jvm/")) return "jvm";
  if (rule.startsWith("versions/")) return "versions";
  if (rule.startsWith("ids/") || rule.startsWith("dledger/") || rule.startsWith("controller/")) return "ids";
  return "other";
}

/** Hosts that share an address or an engine (the engine's host counts as an address) are one machine. */
export function machines(spec: Spec): number[] {
  const owner = spec.hosts.map((_, i) => i);
  const root = (i: number): number => (owner[i] === i ? i : (owner[i] = root(owner[i])));
  const seen = new Map<string, number>();
  spec.hosts.forEach((h, i) => {
    const names = [h.address.toLowerCase()];
    if (h.engine) names.push(new URL(h.engine).hostname.toLowerCase());
    for (const n of names) {
      if (seen.has(n)) owner[root(i)] = root(seen.get(n)!);
      else seen.set(n, i);
    }
  });
  return spec.hosts.map((_, i) => root(i));
}

const SYSTEM = [
  "/bin",
  "/boot",
  "/dev",
  "/etc",
  "/home",
  "/lib",
  "/lib32",
  "/lib64",
  "/libx32",
  "/media",
  "/mnt",
  "/opt",
  "/proc",
  "/root",
  "/run",
  "/sbin",
  "/srv",
  "/sys",
  "/tmp",
  "/usr",
  "/var",
];
const DOCKER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
const SELF_ID = /^[A-Za-z][0-9]+$/;

/** A POSIX path as the file system resolves it. Written here on purpose: the checker uses none of the rule code. */
export function cleanPath(p: string): string {
  const parts: string[] = [];
  for (const x of p.split("/")) {
    if (x === "" || x === ".") continue;
    if (x === "..") parts.pop();
    else parts.push(x);
  }
  return "/" + parts.join("/");
}

/** Every invariant the spec breaks, with a reason. Empty: the topology can be deployed. */
export function violations(spec: Spec): Map<Category, string[]> {
  const out = new Map<Category, string[]>();
  const add = (c: Category, why: string) => out.set(c, [...(out.get(c) ?? []), why]);
  const placed = placeAll(spec);
  const machine = machines(spec);

  // One port, one process, per machine (derived ports counted), every port in 1-65535.
  const taken = new Map<string, string>();
  for (const f of spec.foreign) if (f.port !== undefined) taken.set(`${machine[f.host]}:${f.port}`, "user container");
  for (const p of placed) {
    for (const port of p.ports) {
      if (!Number.isInteger(port) || port < 1 || port > 65535) add("ports", `${p.path} port ${port}`);
      const key = `${machine[p.host]}:${port}`;
      if (taken.has(key)) add("ports", `${p.path} ${port} also used by ${taken.get(key)}`);
      taken.set(key, p.path);
    }
  }

  // One store per process, on the machine's persistent storage, a name or a directory of its own.
  const names = new Map<string, string>();
  for (const f of spec.foreign) names.set(`${machine[f.host]}:${f.name}`, "user container");
  const stores: { p: Placed; volume?: string; dir?: string }[] = [];
  for (const p of placed) {
    if (!DOCKER_NAME.test(p.containerName)) add("names", `${p.path} container name ${p.containerName}`);
    const nameKey = `${machine[p.host]}:${p.containerName}`;
    if (names.has(nameKey))
      add("names", `${p.path} container name ${p.containerName} also used by ${names.get(nameKey)}`);
    names.set(nameKey, p.path);
    if (!p.store) continue;
    const { volume, hostPath } = p.store;
    if (volume !== undefined) {
      if (!DOCKER_NAME.test(volume) || volume.length > 255) add("names", `${p.path} volume ${JSON.stringify(volume)}`);
      else stores.push({ p, volume });
    } else if (hostPath !== undefined) {
      const dir = cleanPath(hostPath);
      if (!hostPath.startsWith("/") || dir === "/" || SYSTEM.includes(dir))
        add("stores", `${p.path} host path ${JSON.stringify(hostPath)}`);
      else stores.push({ p, dir });
    }
  }
  for (let i = 0; i < stores.length; i++) {
    for (let j = 0; j < i; j++) {
      const [a, b] = [stores[i], stores[j]];
      if (machine[a.p.host] !== machine[b.p.host]) continue;
      const nested = a.dir !== undefined && b.dir !== undefined && storesOverlap(a.dir, b.dir);
      // Two default volumes share because the container names they are named after do: that is one mistake (names).
      const byName = a.p.defaultStore && b.p.defaultStore && a.p.containerName === b.p.containerName;
      if (((a.volume !== undefined && a.volume === b.volume) || nested) && !byName)
        add("stores", `${a.p.path} and ${b.p.path} share a store`);
    }
  }

  // Identities, peers and versions.
  for (const c of spec.clusters) {
    const is5 = c.version.startsWith("5.");
    if (c.nameServers.length === 0) add("ids", `cluster ${c.clusterName} has no name server`);
    const brokerNames = [
      ...c.pairs.map((s) => s.brokerName),
      ...c.dledgers.map((s) => s.brokerName),
      ...c.controllerSets.map((s) => s.brokerName),
    ];
    if (new Set(brokerNames).size !== brokerNames.length) add("ids", `brokerName used twice in ${c.clusterName}`);
    for (const s of c.pairs) {
      const ids = [0, ...s.slaves.map((x) => x.brokerId)];
      if (ids.filter((x) => x === 0).length !== 1) add("ids", `${s.brokerName}: not one master`);
      const slaveIds = s.slaves.map((x) => x.brokerId).filter((x) => x > 0);
      if (new Set(slaveIds).size !== slaveIds.length) add("ids", `${s.brokerName}: slave ids repeat`);
      if (s.replication === "SYNC" && s.slaves.length === 0) add("ids", `${s.brokerName}: SYNC without a slave`);
    }
    for (const s of c.dledgers) {
      const selfIds = s.peers.map((p) => p.selfId);
      if (s.peers.length < 3) add("ids", `${s.brokerName}: ${s.peers.length} peers`);
      if (new Set(selfIds).size !== selfIds.length || selfIds.some((x) => !SELF_ID.test(x)))
        add("ids", `${s.brokerName}: self ids ${selfIds.join(",")}`);
    }
    for (const s of c.controllerSets) {
      if (!is5) add("versions", `controller mode on ${c.version}`);
      if (!c.controllers) add("ids", `${s.brokerName}: no controller`);
      if (s.brokers.length === 0) add("ids", `${s.brokerName}: no broker`);
    }
    if (c.controllers) {
      if (!is5) add("versions", `controllers on ${c.version}`);
      const peers = c.controllers.embedded ? c.controllers.peers.slice(0, c.nameServers.length) : c.controllers.peers;
      if (peers.length === 0 || peers.length === 2) add("ids", `${peers.length} controllers`);
      const ids = peers.map((p) => p.selfId);
      if (new Set(ids).size !== ids.length || ids.some((x) => !SELF_ID.test(x)))
        add("ids", `controller ids ${ids.join(",")}`);
    }
    if (c.proxies.length > 0 && !is5) add("versions", `proxy on ${c.version}`);
  }
  for (const p of placed) {
    if (p.kind !== "broker") continue;
    if (p.spec.haListenPort !== undefined && !p.cluster.version.startsWith("5."))
      add("versions", `${p.path} haListenPort on 4.x`);
    for (const key of Object.keys(p.spec.properties ?? {})) {
      const kind = EXTRA_KEYS[key].kind;
      if (kind !== "valid" && kind !== "on-store") add("keys", `${p.path} ${key} (${kind})`);
    }
    if ((p.spec.heapMb ?? 512) < 128) add("jvm", `${p.path} heap ${p.spec.heapMb}`);
  }
  for (const p of placed)
    if (p.kind === "namesrv" && (p.spec.heapMb ?? 512) < 128) add("jvm", `${p.path} heap ${p.spec.heapMb}`);
  return out;
}

/**
 * Two store roots (normalised directories) that mix their files: one directory, or one inside the other at a folder
 * RocketMQ keeps in a store root (its commit log, queues, index, config, lock...). A root elsewhere inside another
 * keeps its own files apart.
 */
function storesOverlap(x: string, y: string): boolean {
  const entry = (outer: string, inner: string) =>
    inner.startsWith(outer + "/") &&
    /^(abort|batchconsumequeue|brokerIdentity|checkpoint|commitlog|config|consumequeue|consumequeue_ext|epochFileCheckpoint|index|lock|rdb|timercheck|timerlog|timermetrics|timerwheel|transaction|dledger-.*|rocksdb.*)$/.test(
      inner.slice(outer.length + 1).split("/")[0],
    );
  return x === y || entry(x, y) || entry(y, x);
}

/** What a broker's generated configuration must say, for a topology that was accepted. */
interface Generated {
  readonly path: string;
  readonly host: number;
  readonly containerName: string;
  readonly published: readonly number[];
  readonly store?: { volume?: string; hostPath?: string; mountPath: string; persistent: boolean };
  readonly properties?: Record<string, string>;
  /** A container's root file system is read-only (undefined: read from plans, no container). */
  readonly readOnlyRoot?: boolean;
}

/**
 * Invariants of what the library generated for an accepted spec: every port a process opens (derived ones included)
 * is published and no port is published twice on one machine; one store per process, on a volume or a host directory
 * (never the container's own file system), not shared on the machine; namesrvAddr lists every name server of the
 * cluster; the members of a raft group carry one dLegerPeers with each own id at its address and port; ids as declared.
 * Returns what is wrong; empty when all hold.
 */
export function generatedProblems(spec: Spec, generated: readonly Generated[]): string[] {
  const problems: string[] = [];
  const machine = machines(spec);
  const placed = placeAll(spec);
  const byPath = new Map(generated.map((g) => [g.path, g]));
  const ports = new Map<string, string>();
  const volumes = new Map<string, string>();
  for (const p of placed) {
    const g = byPath.get(p.path);
    if (!g) {
      problems.push(`${p.path}: nothing generated`);
      continue;
    }
    if (g.containerName !== p.containerName)
      problems.push(`${p.path}: container ${g.containerName}, expected ${p.containerName}`);
    for (const port of p.ports) if (!g.published.includes(port)) problems.push(`${p.path}: port ${port} not published`);
    for (const port of g.published) {
      const key = `${machine[p.host]}:${port}`;
      if (ports.has(key)) problems.push(`${p.path}: port ${port} also published by ${ports.get(key)}`);
      ports.set(key, p.path);
    }
    if (g.readOnlyRoot === false) problems.push(`${p.path}: root file system writable`);
    if (p.kind !== "proxy") {
      const s = g.store;
      if (!s || (s.volume === undefined) === (s.hostPath === undefined)) problems.push(`${p.path}: not one store`);
      else {
        if (!s.persistent) problems.push(`${p.path}: store not persistent`);
        const mine = s.volume ?? cleanPath(s.hostPath!);
        for (const [key, other] of volumes) {
          const [m, theirs] = [key.slice(0, key.indexOf(":")), key.slice(key.indexOf(":") + 1)];
          const nested = s.volume === undefined && theirs.startsWith("/") && storesOverlap(theirs, mine);
          if (m === String(machine[p.host]) && (theirs === mine || nested))
            problems.push(`${p.path}: store shared with ${other}`);
        }
        volumes.set(`${machine[p.host]}:${mine}`, p.path);
      }
    }
    if (p.kind !== "broker") continue;
    const props = g.properties ?? {};
    const c = p.cluster;
    const ns = placed
      .filter((x) => x.kind === "namesrv" && x.clusterIndex === p.clusterIndex)
      .map((x) => `${spec.hosts[x.host].address}:${x.ports[0]}`)
      .sort()
      .join(";");
    if (props.namesrvAddr !== ns) problems.push(`${p.path}: namesrvAddr ${props.namesrvAddr}, expected ${ns}`);
    if (props.brokerIP1 !== spec.hosts[p.host].address) problems.push(`${p.path}: brokerIP1 ${props.brokerIP1}`);
    if (props.listenPort !== String(p.ports[1])) problems.push(`${p.path}: listenPort ${props.listenPort}`);
    if (g.store && props.storePathRootDir !== g.store.mountPath)
      problems.push(`${p.path}: storePathRootDir ${props.storePathRootDir} is not the store`);
    if (props.brokerClusterName !== c.clusterName || props.brokerName !== p.set!.brokerName)
      problems.push(`${p.path}: names ${props.brokerClusterName}/${props.brokerName}`);
    if (p.set!.kind === "pair") {
      const expected = p.path.endsWith("/master") ? "0" : String(p.spec.brokerId);
      if (props.brokerId !== expected) problems.push(`${p.path}: brokerId ${props.brokerId}, expected ${expected}`);
    }
    if (p.set!.kind === "dledger") {
      const group = placed.filter(
        (x) => x.set?.kind === "dledger" && x.clusterIndex === p.clusterIndex && x.set.index === p.set!.index,
      );
      const peers = group.map((x) => `${x.spec.selfId}-${spec.hosts[x.host].address}:${x.ports[2]}`).join(";");
      if (props.dLegerPeers !== peers) problems.push(`${p.path}: dLegerPeers ${props.dLegerPeers}, expected ${peers}`);
      if (props.dLegerSelfId !== p.spec.selfId || props.enableDLegerCommitLog !== "true")
        problems.push(`${p.path}: not the raft member ${p.spec.selfId}`);
    }
  }
  return problems;
}

/** What the core planned, in the checker's terms. */
export function fromPlans(spec: Spec, plans: readonly ProcessPlan[]): Generated[] {
  const hostIndex = new Map(spec.hosts.map((_, i) => [`stack/h${i}`, i]));
  return plans.map((p) => ({
    path: p.path,
    host: hostIndex.get(p.host.path)!,
    containerName: p.containerName,
    published: [...new Set(p.ports.map((u) => u.port))],
    store: p.store && {
      volume: p.store.volume,
      hostPath: p.store.hostPath,
      mountPath: p.store.mountPath,
      persistent: true,
    },
    properties: p.kind === ProcessKind.BROKER ? parseProperties(p.files[0].content) : undefined,
  }));
}

/** What was synthesized (Terraform JSON), in the checker's terms: containers matched to processes by host and name. */
export function fromTerraform(spec: Spec, json: any): Generated[] {
  const placed = placeAll(spec);
  const volumes = new Map<string, string>();
  for (const v of Object.values<any>(json.resource?.docker_volume ?? {}))
    volumes.set(`${v.provider}:${v.name}`, v.name);
  const out: Generated[] = [];
  for (const c of Object.values<any>(json.resource?.docker_container ?? {})) {
    const role = (c.labels ?? []).find((l: any) => l.label === "rocketmq.role")?.value;
    if (role === undefined || role === "store-init" || role === "logs-init") continue;
    const host = Number(/^docker\.h(\d+)$/.exec(c.provider)![1]);
    const p = placed.find((x) => x.host === host && x.containerName === c.name);
    if (!p) continue;
    // The store: the one writable named volume or host directory that is not the logs volume (a read-only root's
    // other writable folders are anonymous volumes; host files are mounted read-only).
    const mounts = (c.volumes ?? []).filter(
      (m: any) =>
        (m.volume_name !== undefined || m.host_path !== undefined) &&
        !m.read_only &&
        m.container_path !== "/home/rocketmq/logs",
    );
    const store = mounts.length === 1 ? mounts[0] : undefined;
    const volumeName =
      store?.volume_name === undefined
        ? undefined
        : String(store.volume_name).startsWith("${")
          ? /docker_volume\.([^.]+)\.name/.exec(store.volume_name)?.[1]
          : store.volume_name;
    const resolved =
      volumeName === undefined ? undefined : (json.resource.docker_volume?.[volumeName]?.name ?? volumeName);
    out.push({
      path: p.path,
      host,
      containerName: c.name,
      published: (c.ports ?? []).map((x: any) => x.external),
      store: store && {
        volume: resolved,
        hostPath: store.host_path,
        mountPath: store.container_path,
        persistent:
          resolved === undefined
            ? String(store.host_path ?? "").startsWith("/")
            : volumes.has(`${c.provider}:${resolved}`),
      },
      properties:
        role === "broker"
          ? parseProperties(withInitFiles(json.resource.docker_container, c).upload[0].content)
          : undefined,
      readOnlyRoot: c.read_only === true,
    });
  }
  return out;
}
