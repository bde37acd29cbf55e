/**
 * Random RocketMQ topologies for the property-based tests: a plain description (`Spec`) that a fast-check
 * arbitrary generates, with random and colliding ports, stores, ids, names and extra keys, and two ways to run it:
 * as the core's model (`toModel`, thousands per run) and as the constructs a user writes (`build`).
 */
import { container } from "@cdktf/provider-docker";
import { TerraformStack } from "cdktf";
import fc from "fast-check";
import {
  BrokerPair,
  ControllerBrokerSet,
  ControllerGroup,
  DLedgerGroup,
  DockerHost,
  NameServer,
  Proxy,
  Replication,
  RocketMqCluster,
  RocketMqVersion,
} from "../../lib";
import {
  BrokerModel,
  ClusterModel,
  NameServerModel,
  PropertyValue,
  StoreModel,
  TopologyModel,
} from "../../lib/core/model";

export interface HostSpec {
  readonly address: string;
  readonly engine?: string;
}

export interface StoreSpec {
  readonly volume?: string;
  readonly hostPath?: string;
}

/** One process. Unset fields take the README's defaults (construct runs only; the core runs set every field). */
export interface ProcessSpec {
  readonly host: number;
  readonly listenPort?: number;
  readonly containerName?: string;
  readonly store?: StoreSpec;
  readonly heapMb: number;
  readonly properties: Readonly<Record<string, PropertyValue>>;
  readonly haListenPort?: number;
}

export interface SlaveSpec extends ProcessSpec {
  readonly brokerId: number;
}

export interface PeerSpec extends ProcessSpec {
  readonly selfId: string;
  readonly dLegerPort?: number;
}

export interface ClusterSpec {
  readonly clusterName: string;
  readonly version: string;
  readonly nameServers: readonly ProcessSpec[];
  readonly pairs: readonly {
    readonly brokerName: string;
    readonly replication: "SYNC" | "ASYNC";
    readonly master: ProcessSpec;
    readonly slaves: readonly SlaveSpec[];
  }[];
  readonly dledgers: readonly { readonly brokerName: string; readonly peers: readonly PeerSpec[] }[];
  readonly controllerSets: readonly { readonly brokerName: string; readonly brokers: readonly ProcessSpec[] }[];
  /** Controllers in the first name servers (embedded), or standalone. */
  readonly controllers?: {
    readonly embedded: boolean;
    readonly peers: readonly { readonly host: number; readonly selfId: string; readonly port: number }[];
  };
  readonly proxies: readonly {
    readonly host: number;
    readonly remotingListenPort: number;
    readonly grpcServerPort: number;
    readonly containerName?: string;
  }[];
}

export interface Spec {
  readonly hosts: readonly HostSpec[];
  readonly clusters: readonly ClusterSpec[];
  /** The user's own containers on a host's engine. */
  readonly foreign: readonly { readonly host: number; readonly name: string; readonly port?: number }[];
}

/** Extra broker properties and what they are: the checker's own knowledge, not the library's catalogue. */
export const EXTRA_KEYS: Readonly<
  Record<string, { value: PropertyValue; kind: "valid" | "unknown" | "owned" | "bad-value" | "off-store" | "on-store" }>
> = {
  deleteWhen: { value: "04", kind: "valid" },
  fileReservedTime: { value: 48, kind: "valid" },
  sendMessageThreadPoolNums: { value: 16, kind: "valid" },
  fileReserveTime: { value: 48, kind: "unknown" },
  dLedgerPeers: { value: "n0-10.0.0.1:40911", kind: "unknown" },
  brokerName: { value: "other", kind: "owned" },
  storePathRootDir: { value: "/data", kind: "owned" },
  maxMessageSize: { value: "4M", kind: "bad-value" },
  storePathDLedgerCommitLog: { value: "/data/dledger", kind: "off-store" },
  readOnlyCommitLogStorePaths: { value: "/home/rocketmq/store/ro", kind: "on-store" },
};

/** A port or id to be given a value of its own after generation (see assignAuto). */
const AUTO = -1;
/** A host directory to be made unique after generation. */
const OWN_DIR = "<own>";

/** Mostly `usual`, sometimes one of `odd` (about once in `freq`). */
const mostly = <T>(usual: fc.Arbitrary<T>, odd: fc.Arbitrary<T>, freq = 10): fc.Arbitrary<T> =>
  fc.oneof({ weight: freq - 1, arbitrary: usual }, { weight: 1, arbitrary: odd });
/** Mostly undefined, sometimes a value (about once in `freq`). */
const rare = <T>(arb: fc.Arbitrary<T>, freq = 8): fc.Arbitrary<T | undefined> =>
  mostly<T | undefined>(fc.constant(undefined), arb, freq);

export interface Options {
  /** Leave some fields unset, for the constructs to default (construct runs). */
  readonly defaults: boolean;
}

const VALID_KEYS = Object.keys(EXTRA_KEYS).filter(
  (k) => EXTRA_KEYS[k].kind === "valid" || EXTRA_KEYS[k].kind === "on-store",
);

function processArb(
  o: Options,
  ports: { usual: readonly number[]; odd: readonly number[] },
  hosts: number,
): fc.Arbitrary<ProcessSpec> {
  // Mostly a port of its own (AUTO, assigned after generation), sometimes one from a pool that may collide.
  const port = mostly(fc.constant(AUTO), mostly(fc.constantFrom(...ports.usual), fc.constantFrom(...ports.odd), 6), 6);
  return fc.record({
    host: fc.nat({ max: hosts - 1 }),
    listenPort: o.defaults ? mostly(port, fc.constant(undefined), 3) : port,
    // Mostly unique names (filled in by position), sometimes one that collides or that Docker refuses.
    containerName: rare(fc.constantFrom("rmq-dup", "rmq-dup", "-bad", "x"), 60),
    store: fc.oneof(
      { weight: 40, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.record({ volume: fc.constantFrom("shared-store", "shared-store", "my store", "") }) },
      // Directories of their own (a counter makes them unique), or from a pool that nests, repeats or is refused.
      { weight: 4, arbitrary: fc.record({ hostPath: fc.constant(OWN_DIR) }) },
      {
        weight: 2,
        arbitrary: fc.record({
          hostPath: fc.constantFrom(
            "/data/rmq/a",
            "/data/rmq/b",
            "/data/rmq/a/",
            "/data//rmq/a",
            "/data/./rmq/b",
            "/data/rmq",
            "/data/rmq/commitlog",
            "/data/rmq/a/index",
            "/",
            "data/rmq",
            "/etc",
          ),
        }),
      },
    ),
    heapMb: mostly(fc.constantFrom(512, 1024), fc.constant(64), 60),
    properties: fc
      .oneof(
        { weight: 40, arbitrary: fc.constant({}) },
        { weight: 10, arbitrary: fc.subarray(VALID_KEYS, { maxLength: 2 }) },
        { weight: 1, arbitrary: fc.subarray(Object.keys(EXTRA_KEYS), { minLength: 1, maxLength: 2 }) },
      )
      .map((ks) => (Array.isArray(ks) ? Object.fromEntries(ks.map((k) => [k, EXTRA_KEYS[k].value])) : ks)),
    haListenPort: rare(fc.constantFrom(10920, 11920, 10912), 60),
  });
}

const BROKER_PORTS = {
  usual: [10911, 11911, 12911, 13911, 14911, 15911, 16911, 17911, 18911, 19911, 20911, 30911],
  odd: [10913, 10912, 9878, 2, 65535, 8081],
};
const NAMESRV_PORTS = { usual: [9876, 9877, 9886, 9896], odd: [10909, 8080, 40911] };

export function specArb(o: Options): fc.Arbitrary<Spec> {
  return fc.integer({ min: 1, max: 5 }).chain((hostCount) => {
    const hostArb = fc.record({
      address: fc.constantFrom(
        "10.0.0.1",
        "10.0.0.2",
        "10.0.0.3",
        "10.0.0.4",
        "10.0.0.5",
        "10.0.0.6",
        "10.0.0.7",
        "10.0.0.8",
        "10.0.0.9",
        "mq7.example.com",
      ),
      engine: rare(fc.constantFrom("ssh://ops@10.0.0.1", "tcp://10.0.0.8:2376", "ssh://root@10.0.0.8:22"), 6),
    });
    const broker = processArb(o, BROKER_PORTS, hostCount);
    const ns = processArb(o, NAMESRV_PORTS, hostCount);
    const clusterArb = fc.constantFrom("4.9.8", "5.3.3", "5.5.0").chain((version) => {
      const is5 = version.startsWith("5.");
      // RocketMQ 5 features mostly on 5.x, sometimes (wrongly) on 4.x.
      const five = <T>(arb: fc.Arbitrary<T[]>) =>
        is5 ? arb : fc.oneof({ weight: 12, arbitrary: fc.constant([] as T[]) }, { weight: 1, arbitrary: arb });
      return (
        fc
          .record({
            clusterName: fc.constantFrom("C1", "C2", "C1"),
            version: fc.constant(version),
            nameServers: mostly(fc.array(ns, { minLength: 1, maxLength: 3 }), fc.constant([] as ProcessSpec[]), 15),
            pairs: fc.array(
              fc.record({
                brokerName: mostly(fc.constant(""), fc.constantFrom("a", "d", "f"), 12),
                replication: fc.constantFrom("SYNC" as const, "ASYNC" as const, "ASYNC" as const, "ASYNC" as const),
                master: broker,
                slaves: fc
                  .array(fc.record({ p: broker, brokerId: mostly(fc.constant(AUTO), fc.constantFrom(0, 1, 2), 12) }), {
                    maxLength: 2,
                  })
                  .map((slaves) =>
                    slaves.map(({ p, brokerId }, i) => ({ ...p, brokerId: brokerId === AUTO ? i + 1 : brokerId })),
                  ),
              }),
              { maxLength: 2 },
            ),
            dledgers: fc.array(
              fc
                .record({
                  brokerName: mostly(fc.constant(""), fc.constantFrom("a", "d", "f"), 12),
                  count: mostly(fc.constant(3), fc.constantFrom(1, 2, 4)),
                  peers: fc.array(
                    fc.record({
                      p: broker,
                      selfId: mostly(fc.constant(""), fc.constantFrom("n0", "node"), 12),
                      dLegerPort: mostly(
                        o.defaults ? fc.constant(undefined) : fc.constant(AUTO),
                        fc.constantFrom(40911, 40912, 10912),
                        12,
                      ),
                    }),
                    { minLength: 4, maxLength: 4 },
                  ),
                })
                .map(({ brokerName, count, peers }) => ({
                  brokerName,
                  peers: peers
                    .slice(0, count)
                    .map(({ p, selfId, dLegerPort }, i) => ({ ...p, selfId: selfId || `n${i}`, dLegerPort })),
                })),
              { maxLength: 1 },
            ),
            controllerSets: five(
              fc.array(
                fc.record({
                  brokerName: mostly(fc.constant(""), fc.constantFrom("a", "d", "f"), 12),
                  brokers: mostly(
                    fc.array(broker, { minLength: 2, maxLength: 3 }),
                    fc.array(broker, { maxLength: 1 }),
                    8,
                  ),
                }),
                { maxLength: 1 },
              ),
            ),
            controllers: (is5
              ? mostly(fc.constant(true), fc.constant(false), 6)
              : mostly(fc.constant(false), fc.constant(true), 12)
            ).chain((wanted) =>
              wanted
                ? fc
                    .record({
                      embedded: fc.boolean(),
                      count: mostly(fc.constant(3), fc.constantFrom(0, 1, 2)),
                      peers: fc.array(
                        fc.record({
                          host: fc.nat({ max: hostCount - 1 }),
                          selfId: mostly(fc.constant(""), fc.constantFrom("n0", "c"), 12),
                          port: mostly(fc.constant(AUTO), fc.constantFrom(9878, 9876), 12),
                        }),
                        { minLength: 3, maxLength: 3 },
                      ),
                    })
                    .map(({ embedded, count, peers }) => ({
                      embedded,
                      peers: peers.slice(0, count).map((p, i) => ({
                        ...p,
                        selfId: p.selfId || `n${i}`,
                        port: p.port === AUTO ? 9878 - 10 * i : p.port,
                      })),
                    }))
                : fc.constant(undefined),
            ),
            proxies: five(
              fc.array(
                fc.record({
                  host: fc.nat({ max: hostCount - 1 }),
                  remotingListenPort: mostly(fc.constantFrom(8080, 8090), fc.constant(10911)),
                  grpcServerPort: fc.constantFrom(8081, 8091),
                }),
                { maxLength: 1 },
              ),
            ),
          })
          // An empty brokerName stands for a unique one (most sets); the others may collide on purpose.
          .map((c) => ({
            ...c,
            pairs: c.pairs.map((x, i) => ({ ...x, brokerName: x.brokerName || `broker-${i}` })),
            dledgers: c.dledgers.map((x, i) => ({ ...x, brokerName: x.brokerName || `raft-${i}` })),
            controllerSets: c.controllerSets.map((x, i) => ({ ...x, brokerName: x.brokerName || `elected-${i}` })),
          }))
      );
    });
    return fc
      .record({
        hosts: fc.array(hostArb, { minLength: hostCount, maxLength: hostCount }),
        clusters: mostly(
          fc.array(clusterArb, { minLength: 1, maxLength: 1 }),
          fc.array(clusterArb, { minLength: 2, maxLength: 2 }),
          4,
        ),
        foreign: fc.array(
          fc.record({
            host: fc.nat({ max: hostCount - 1 }),
            name: mostly(fc.constant("web"), fc.constant("rmq-dup"), 6),
            port: rare(fc.constantFrom(80, 10911, 9876)),
          }),
          { maxLength: 1 },
        ),
      })
      .map(assignAuto);
  });
}

/** Gives every AUTO port a value of its own: name servers 9876 + 10k, brokers 10911 + 10k (4 apart at least), DLedger ports 40911 + k. */
function assignAuto(spec: Spec): Spec {
  let ns = 0;
  let broker = 0;
  let raft = 0;
  let dir = 0;
  const own = <T extends ProcessSpec>(p: T): T =>
    p.store?.hostPath === OWN_DIR ? { ...p, store: { hostPath: `/srv/rocketmq/p${dir++}` } } : p;
  const listen = <T extends ProcessSpec>(q: T, next: () => number): T => {
    const p = own(q);
    return p.listenPort === AUTO ? { ...p, listenPort: next() } : p;
  };
  const b = <T extends ProcessSpec>(p: T) => listen(p, () => 10911 + 10 * broker++);
  return {
    ...spec,
    clusters: spec.clusters.map((c) => ({
      ...c,
      nameServers: c.nameServers.map((p) => listen(p, () => 9876 + 10 * ns++)),
      pairs: c.pairs.map((x) => ({ ...x, master: b(x.master), slaves: x.slaves.map(b) })),
      dledgers: c.dledgers.map((x) => ({
        ...x,
        peers: x.peers.map((p) => ({ ...b(p), dLegerPort: p.dLegerPort === AUTO ? 40911 + raft++ : p.dLegerPort })),
      })),
      controllerSets: c.controllerSets.map((x) => ({ ...x, brokers: x.brokers.map(b) })),
    })),
  };
}

/** A process of the spec with its role, cluster and construct path, every field filled in. */
export interface Placed {
  readonly cluster: ClusterSpec;
  readonly clusterIndex: number;
  readonly kind: "namesrv" | "broker" | "controller" | "proxy";
  readonly set?: {
    readonly kind: "pair" | "dledger" | "controller";
    readonly brokerName: string;
    readonly index: number;
  };
  readonly path: string;
  readonly host: number;
  readonly ports: number[];
  readonly containerName: string;
  readonly store?: StoreModel;
  readonly defaultStore: boolean;
  readonly spec: Partial<ProcessSpec> & Partial<PeerSpec> & Partial<SlaveSpec>;
}

/**
 * The README's defaults, applied by the test itself (not by the library): ports (name server 9876, master or peer
 * 10911, slave 10911 + 1000 × brokerId, DLedger port 40911 + index, controllers 9878 - 10 × index), container names
 * `<clusterName>-<brokerName or role>-<id>` lower-cased, store volume `<containerName>-store`.
 */
export function placeAll(spec: Spec): Placed[] {
  const out: Placed[] = [];
  spec.clusters.forEach((c, ci) => {
    const base = `stack/c${ci}`;
    const name = (...parts: string[]) =>
      parts
        .join("-")
        .toLowerCase()
        .replace(/[^a-z0-9_.-]+/g, "-");
    const store = (
      p: ProcessSpec,
      containerName: string,
      mount: string,
    ): { store: StoreModel; defaultStore: boolean } =>
      p.store === undefined
        ? { store: { volume: `${containerName}-store`, mountPath: mount }, defaultStore: true }
        : { store: { ...p.store, mountPath: mount }, defaultStore: false };
    const cn = (p: { containerName?: string }, fallback: string) => p.containerName ?? fallback;
    c.nameServers.forEach((p, i) => {
      const containerName = cn(p, name(c.clusterName, "namesrv", `ns${i}`));
      const embedded = c.controllers?.embedded ? c.controllers.peers[i] : undefined;
      const listen = p.listenPort ?? 9876;
      out.push({
        cluster: c,
        clusterIndex: ci,
        kind: "namesrv",
        path: `${base}/ns${i}`,
        host: p.host,
        ports: [listen, ...(embedded ? [embedded.port] : [])],
        containerName,
        ...store(p, containerName, "/home/rocketmq/namesrv"),
        spec: p,
      });
    });
    const broker = (
      p: ProcessSpec & { brokerId?: number; selfId?: string; dLegerPort?: number },
      set: NonNullable<Placed["set"]>,
      path: string,
      id: string,
      listenDefault: number,
      dledgerPort?: number,
    ) => {
      const listen = p.listenPort ?? listenDefault;
      const ha = dledgerPort !== undefined ? dledgerPort : p.haListenPort !== undefined ? p.haListenPort : listen + 1;
      const containerName = cn(p, name(c.clusterName, set.brokerName, id));
      out.push({
        cluster: c,
        clusterIndex: ci,
        kind: "broker",
        set,
        path,
        host: p.host,
        ports: [listen - 2, listen, ha],
        containerName,
        ...store(p, containerName, "/home/rocketmq/store"),
        spec: p,
      });
    };
    c.pairs.forEach((s, i) => {
      const set = { kind: "pair" as const, brokerName: s.brokerName, index: i };
      broker(s.master, set, `${base}/p${i}/master`, "0", 10911);
      s.slaves.forEach((sl, j) =>
        broker(sl, set, `${base}/p${i}/slave-${j + 1}`, String(sl.brokerId), 10911 + 1000 * sl.brokerId),
      );
    });
    c.dledgers.forEach((s, i) => {
      const set = { kind: "dledger" as const, brokerName: s.brokerName, index: i };
      const usable = new Set(s.peers.map((p) => p.selfId)).size === s.peers.length;
      s.peers.forEach((p, j) =>
        broker(p, set, `${base}/d${i}/${usable ? p.selfId : `peer-${j}`}`, p.selfId, 10911, p.dLegerPort ?? 40911 + j),
      );
    });
    c.controllerSets.forEach((s, i) => {
      const set = { kind: "controller" as const, brokerName: s.brokerName, index: i };
      s.brokers.forEach((p, j) => broker(p, set, `${base}/s${i}/r${j}`, `r${j}`, 10911));
    });
    if (c.controllers && !c.controllers.embedded) {
      const usable = new Set(c.controllers.peers.map((p) => p.selfId)).size === c.controllers.peers.length;
      c.controllers.peers.forEach((p, j) => {
        const containerName = name(c.clusterName, "controller", p.selfId);
        out.push({
          cluster: c,
          clusterIndex: ci,
          kind: "controller",
          path: `${base}/g/${usable ? p.selfId : `controller-${j}`}`,
          host: p.host,
          ports: [p.port],
          containerName,
          store: { volume: `${containerName}-store`, mountPath: "/home/rocketmq/controller" },
          defaultStore: true,
          spec: {},
        });
      });
    }
    c.proxies.forEach((p, i) => {
      out.push({
        cluster: c,
        clusterIndex: ci,
        kind: "proxy",
        path: `${base}/x${i}`,
        host: p.host,
        ports: [p.remotingListenPort, p.grpcServerPort],
        containerName: p.containerName ?? name(c.clusterName, "proxy", `x${i}`),
        defaultStore: false,
        spec: {},
      });
    });
  });
  return out;
}

/** Every field filled in: the core runs check exactly what the spec says. */
export function fillDefaults(spec: Spec): Spec {
  const placed = placeAll(spec);
  const at = (path: string) => placed.find((p) => p.path === path)!;
  const fill = <T extends ProcessSpec>(p: T, path: string): T => {
    const pl = at(path);
    return {
      ...p,
      listenPort: pl.ports[pl.kind === "namesrv" ? 0 : 1],
      containerName: pl.containerName,
      store: p.store ?? { volume: pl.store!.volume },
    };
  };
  return {
    ...spec,
    clusters: spec.clusters.map((c, ci) => ({
      ...c,
      nameServers: c.nameServers.map((p, i) => fill(p, `stack/c${ci}/ns${i}`)),
      pairs: c.pairs.map((s, i) => ({
        ...s,
        master: fill(s.master, `stack/c${ci}/p${i}/master`),
        slaves: s.slaves.map((sl, j) => fill(sl, `stack/c${ci}/p${i}/slave-${j + 1}`)),
      })),
      dledgers: c.dledgers.map((s, i) => {
        const usable = new Set(s.peers.map((p) => p.selfId)).size === s.peers.length;
        return {
          ...s,
          peers: s.peers.map((p, j) => ({
            ...fill(p, `stack/c${ci}/d${i}/${usable ? p.selfId : `peer-${j}`}`),
            dLegerPort: p.dLegerPort ?? 40911 + j,
          })),
        };
      }),
      controllerSets: c.controllerSets.map((s, i) => ({
        ...s,
        brokers: s.brokers.map((p, j) => fill(p, `stack/c${ci}/s${i}/r${j}`)),
      })),
    })),
  };
}

/** The spec as the core's model, every value explicit (run `fillDefaults` first). */
export function toModel(spec: Spec): TopologyModel {
  const hosts = spec.hosts.map((h, i) => ({
    path: `stack/h${i}`,
    address: h.address,
    isolatedLoopback: true,
    ...(h.engine ? { engine: h.engine } : {}),
  }));
  const jvm = (p: ProcessSpec) => ({ heapMb: p.heapMb, directMemoryMb: 512 });
  const store = (p: ProcessSpec, mountPath: string): StoreModel => ({ ...p.store, mountPath });
  const clusters: ClusterModel[] = spec.clusters.map((c, ci) => {
    const base = `stack/c${ci}`;
    const defaults = (p: ProcessSpec) => [
      ...(p.containerName === undefined ? ["containerName" as const] : []),
      ...(p.store === undefined ? ["store" as const] : []),
    ];
    const nameServers: NameServerModel[] = c.nameServers.map((p, i) => {
      const peer = c.controllers?.embedded ? c.controllers.peers[i] : undefined;
      return {
        path: `${base}/ns${i}`,
        host: hosts[p.host],
        containerName: p.containerName!,
        jvm: jvm(p),
        store: store(p, "/home/rocketmq/namesrv"),
        extraProperties: {},
        listenPort: p.listenPort!,
        defaults: defaults(p),
        ...(peer ? { controller: { selfId: peer.selfId, port: peer.port } } : {}),
      };
    });
    const member = (p: ProcessSpec, path: string, extra: Partial<BrokerModel>): BrokerModel => ({
      path,
      host: hosts[p.host],
      containerName: p.containerName!,
      jvm: jvm(p),
      store: store(p, "/home/rocketmq/store"),
      extraProperties: p.properties,
      listenPort: p.listenPort!,
      haListenPort: p.haListenPort,
      brokerId: 0,
      ...extra,
    });
    const brokerSets = [
      ...c.pairs.map((s, i) => ({
        path: `${base}/p${i}`,
        brokerName: s.brokerName,
        kind: "pair" as const,
        replication: s.replication,
        members: [
          member(s.master, `${base}/p${i}/master`, {
            brokerId: 0,
            brokerRole: s.replication === "SYNC" ? "SYNC_MASTER" : "ASYNC_MASTER",
            flushDiskType: "ASYNC_FLUSH",
          }),
          ...s.slaves.map((sl, j) =>
            member(sl, `${base}/p${i}/slave-${j + 1}`, {
              brokerId: sl.brokerId,
              brokerRole: "SLAVE",
              flushDiskType: "ASYNC_FLUSH",
            }),
          ),
        ],
      })),
      ...c.dledgers.map((s, i) => {
        const usable = new Set(s.peers.map((p) => p.selfId)).size === s.peers.length;
        return {
          path: `${base}/d${i}`,
          brokerName: s.brokerName,
          kind: "dledger" as const,
          dLegerGroup: s.brokerName,
          members: s.peers.map((p, j) =>
            member(p, `${base}/d${i}/${usable ? p.selfId : `peer-${j}`}`, {
              brokerId: j,
              dledger: { selfId: p.selfId, port: p.dLegerPort! },
            }),
          ),
        };
      }),
      ...c.controllerSets.map((s, i) => ({
        path: `${base}/s${i}`,
        brokerName: s.brokerName,
        kind: "controller" as const,
        allAckInSyncStateSet: true,
        members: s.brokers.map((p, j) => member(p, `${base}/s${i}/r${j}`, { brokerId: -1, brokerRole: "SLAVE" })),
      })),
    ];
    const controllerGroups = c.controllers
      ? [
          {
            path: `${base}/g`,
            controllerDLegerGroup: "g",
            embedded: c.controllers.embedded,
            controllers: c.controllers.embedded
              ? []
              : c.controllers.peers.map((p, j) => {
                  const usable =
                    new Set(c.controllers!.peers.map((x) => x.selfId)).size === c.controllers!.peers.length;
                  const containerName = `${c.clusterName}-controller-${p.selfId}`.toLowerCase();
                  return {
                    path: `${base}/g/${usable ? p.selfId : `controller-${j}`}`,
                    host: hosts[p.host],
                    containerName,
                    jvm: { heapMb: 512, directMemoryMb: 256 },
                    store: { volume: `${containerName}-store`, mountPath: "/home/rocketmq/controller" },
                    extraProperties: {},
                    selfId: p.selfId,
                    port: p.port,
                    defaults: ["containerName" as const, "store" as const],
                  };
                }),
          },
        ]
      : [];
    const proxies = c.proxies.map((p, i) => ({
      path: `${base}/x${i}`,
      host: hosts[p.host],
      containerName: `${c.clusterName}-proxy-x${i}`.toLowerCase(),
      jvm: { heapMb: 512, directMemoryMb: 256 },
      extraProperties: {},
      remotingListenPort: p.remotingListenPort,
      grpcServerPort: p.grpcServerPort,
      defaults: ["containerName" as const],
    }));
    return {
      path: base,
      clusterName: c.clusterName,
      version: c.version,
      image: `apache/rocketmq:${c.version}`,
      nameServers,
      brokerSets,
      controllerGroups,
      proxies,
    };
  });
  const foreign = spec.foreign.map((f, i) => ({
    path: `stack/web${i}`,
    hostPath: `stack/h${f.host}`,
    name: f.name,
    ports: f.port === undefined ? [] : [f.port],
  }));
  return { clusters, hosts, foreign };
}

/** The spec as the constructs a user writes, in `stack` (construct ids match the paths of `placeAll`). */
export function build(stack: TerraformStack, spec: Spec): void {
  const hosts = spec.hosts.map(
    (h, i) => new DockerHost(stack, `h${i}`, { address: h.address, ...(h.engine ? { dockerHost: h.engine } : {}) }),
  );
  const proc = (p: ProcessSpec) => ({
    host: hosts[p.host],
    ...(p.listenPort !== undefined ? { listenPort: p.listenPort } : {}),
    ...(p.containerName !== undefined ? { containerName: p.containerName } : {}),
    ...(p.store !== undefined ? { store: p.store } : {}),
    jvm: { heapMb: p.heapMb, directMemoryMb: 512 },
    properties: p.properties,
    ...(p.haListenPort !== undefined ? { haListenPort: p.haListenPort } : {}),
  });
  spec.clusters.forEach((c, ci) => {
    const cluster = new RocketMqCluster(stack, `c${ci}`, {
      clusterName: c.clusterName,
      version: RocketMqVersion.of(c.version),
    });
    const ns = c.nameServers.map(
      (p, i) =>
        new NameServer(cluster, `ns${i}`, {
          host: hosts[p.host],
          ...(p.listenPort !== undefined ? { listenPort: p.listenPort } : {}),
          ...(p.containerName !== undefined ? { containerName: p.containerName } : {}),
          ...(p.store !== undefined ? { store: p.store } : {}),
          jvm: { heapMb: p.heapMb, directMemoryMb: 256 },
        }),
    );
    c.pairs.forEach(
      (s, i) =>
        new BrokerPair(cluster, `p${i}`, {
          brokerName: s.brokerName,
          replication: s.replication as Replication,
          master: proc(s.master),
          slaves: s.slaves.map((sl) => ({ ...proc(sl), brokerId: sl.brokerId })),
        }),
    );
    c.dledgers.forEach(
      (s, i) =>
        new DLedgerGroup(cluster, `d${i}`, {
          brokerName: s.brokerName,
          peers: s.peers.map((p) => ({
            ...proc(p),
            selfId: p.selfId,
            ...(p.dLegerPort !== undefined ? { dLegerPort: p.dLegerPort } : {}),
          })),
        }),
    );
    c.controllerSets.forEach(
      (s, i) => new ControllerBrokerSet(cluster, `s${i}`, { brokerName: s.brokerName, brokers: s.brokers.map(proc) }),
    );
    if (c.controllers) {
      const peers = c.controllers.peers;
      if (c.controllers.embedded)
        new ControllerGroup(cluster, "g", {
          inNameServers: ns
            .slice(0, peers.length)
            .map((nameServer, i) => ({ nameServer, selfId: peers[i].selfId, port: peers[i].port })),
        });
      else
        new ControllerGroup(cluster, "g", {
          controllers: peers.map((p) => ({ host: hosts[p.host], selfId: p.selfId, port: p.port })),
        });
    }
    c.proxies.forEach(
      (p, i) =>
        new Proxy(cluster, `x${i}`, {
          host: hosts[p.host],
          remotingListenPort: p.remotingListenPort,
          grpcServerPort: p.grpcServerPort,
        }),
    );
  });
  spec.foreign.forEach(
    (f, i) =>
      new container.Container(stack, `web${i}`, {
        provider: hosts[f.host].provider,
        name: f.name,
        image: "nginx",
        ...(f.port !== undefined ? { ports: [{ internal: 80, external: f.port }] } : {}),
      }),
  );
}
