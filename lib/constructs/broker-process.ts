import { Lazy, TerraformOutput } from "cdktf";
import { Construct, IConstruct } from "constructs";
import { BrokerModel, Declared, HostModel, PropertyValue } from "../core/model";
import { BrokerRole, FlushDiskType } from "./enums";
import { RocketMqCluster } from "./cluster";
import { hostModelOf, IRocketMqHost } from "../targets/host";
import {
  BROKER_JVM,
  defaultsOf,
  JvmLayer,
  JvmProps,
  outputIdOf,
  readHost,
  readJvm,
  readStore,
  resolveJvmDeclared,
  resolveStore,
  StoreProps,
  storePlacement,
} from "./common";
import { reportFindings } from "../synth/report";
import { brokerSetModelOf, invalidate, planOf } from "../synth/analysis";
import { LITERAL, PropsReader } from "../synth/input";

export const BROKER_STORE_PATH = "/home/rocketmq/store";

/** Settings common to every broker process. */
export interface BrokerProps {
  /** The machine that runs this broker. */
  readonly host: IRocketMqHost;
  /**
   * listenPort. The broker also opens listenPort-2 (fast channel) and listenPort+1 (HA), so
   * brokers sharing a host need listen ports at least 4 apart.
   * @default 10911 for a master or DLedger peer, 10911 + 1000 × brokerId for a slave
   */
  readonly listenPort?: number;
  /**
   * Container name on the host.
   * @default `<clusterName>-<brokerName>-<brokerId or dLegerSelfId>`, lower-cased
   */
  readonly containerName?: string;
  /** JVM sizing. @default the cluster's brokerJvm, else heap 1024 MiB and direct memory 1024 MiB */
  readonly jvm?: JvmProps;
  /** Where the store (commit log, consume queues, index) lives. @default a named volume `<containerName>-store` */
  readonly store?: StoreProps;
  /**
   * haListenPort, RocketMQ 5.x only (4.x always uses listenPort+1).
   * @default listenPort + 1
   */
  readonly haListenPort?: number;
  /** Extra broker.properties settings of this broker, checked against the key catalogue. @default none */
  readonly properties?: Readonly<Record<string, PropertyValue>>;
}

/** A broker's place in its DLedger raft group. */
export interface DLedgerIdentity {
  /** dLegerSelfId. */
  readonly selfId: string;
  /** Its port in dLegerPeers. */
  readonly port: number;
}

/** What a broker set decides about one of its brokers. */
export interface BrokerIdentity {
  /** brokerId: 0 for a master, 1 or more for a slave; the raft index of a DLedger peer; -1 in controller mode. */
  readonly brokerId: number;
  /**
   * brokerRole of a master/slave set's broker.
   * @default none: the raft election or the controller decides
   */
  readonly brokerRole?: BrokerRole;
  /**
   * flushDiskType.
   * @default RocketMQ's default (ASYNC_FLUSH)
   */
  readonly flushDiskType?: FlushDiskType;
  /** listenPort. */
  readonly listenPort: number;
  /** Container (or unit) name on the host. */
  readonly containerName: string;
  /**
   * The broker's place in its DLedger raft group.
   * @default none: not a DLedger peer
   */
  readonly dledger?: DLedgerIdentity;
}

/** The props of one broker as read by its set, with what reading them found (see readBrokerProps). */
export interface ReadBroker {
  /** The props, every value of the right type (refused ones left out). */
  readonly props: Omit<BrokerProps, "host"> & { readonly host?: IRocketMqHost };
  /** The reader: its findings go to the broker's construct; the set reads its own member props (brokerId, selfId) with it. */
  readonly reader: PropsReader;
  readonly raw: Record<string, unknown>;
  /** Extra property keys whose value is a Terraform expression. */
  readonly unresolvedProperties: readonly string[];
  /** True when the member itself is missing (its set says so): it is modelled, unplaced, and no rule compares it. */
  readonly missing?: boolean;
}

/** A member the set reports as missing: modelled with no props and no findings of its own. */
export function missingBroker(path: string): ReadBroker {
  return { props: {}, reader: new PropsReader(path), raw: {}, unresolvedProperties: [], missing: true };
}

/**
 * Reads the props of one broker (a master, a slave, a peer, a replica) as an untyped caller may pass them, for the
 * broker whose construct will be at `path`. `more` are the member props its set reads itself (`brokerId`, `selfId`).
 */
export function readBrokerProps(
  raw: unknown,
  path: string,
  what: string,
  scope: IConstruct,
  more: readonly string[],
): ReadBroker {
  const r = new PropsReader(path);
  const o = r.object(raw, what, true, "{ host }");
  r.known(o, ["host", "listenPort", "containerName", "jvm", "store", "haListenPort", "properties", ...more]);
  const properties = r.properties(o, "properties");
  const props = {
    host: readHost(r, o, scope),
    listenPort: r.integer(o, "listenPort", { literal: LITERAL.port, example: 10911 }),
    containerName: r.string(o, "containerName", { literal: LITERAL.name, example: '"broker-a-0"' }),
    jvm: readJvm(r, o, "jvm"),
    store: readStore(r, o),
    haListenPort: r.integer(o, "haListenPort", { literal: LITERAL.port, example: 10912 }),
    properties: properties.values,
  };
  return { props, reader: r, raw: o, unresolvedProperties: properties.unresolved };
}

/** The props a broker set already read for the BrokerProcess it is creating (see createBrokerProcess). */
let pendingInput: { path: string; read: ReadBroker } | undefined;

/**
 * Creates a broker set's BrokerProcess with the props the set already read for it (so that each mistake is read
 * and reported once): the public constructor stays `(scope, id, props, identity)`.
 */
export function createBrokerProcess(
  scope: Construct,
  id: string,
  props: BrokerProps,
  identity: BrokerIdentity,
  read: ReadBroker,
): BrokerProcess {
  pendingInput = { path: `${scope.node.path}/${id}`, read };
  try {
    return new BrokerProcess(scope, id, props, identity);
  } finally {
    pendingInput = undefined;
  }
}

/**
 * One broker process of a BrokerPair or DLedgerGroup: its container on its host. Created by the
 * broker set; its construct path (`.../broker-a/master`, `.../broker-a/slave-1`, `.../broker-c/n0`)
 * is what synth errors name.
 */
export class BrokerProcess extends Construct {
  /** The machine that runs this broker. */
  public readonly host: IRocketMqHost;
  /** What its set decided: brokerId, role, flushDiskType, listenPort, container name, DLedger place. */
  public readonly identity: BrokerIdentity;
  private readonly props: BrokerProps;
  private readonly allowStoreDestroy: boolean | undefined;
  private readonly input?: ReadBroker;

  constructor(scope: Construct, id: string, props: BrokerProps, identity: BrokerIdentity) {
    super(scope, id);
    const input = pendingInput?.path === this.node.path ? pendingInput.read : undefined;
    pendingInput = undefined;
    const read = input ?? readBrokerProps(props, this.node.path, `broker ${id}`, this, []);
    this.input = read;
    this.props = read.props as BrokerProps;
    this.host = read.props.host as IRocketMqHost;
    this.identity = identity;
    invalidate(this);
    reportFindings(this, read.reader.findings);
    this.allowStoreDestroy = RocketMqCluster.of(this)._props.allowStoreDestroy;
    const store = resolveStore(
      this.props.host,
      this.props.store,
      identity.containerName,
      BROKER_STORE_PATH,
      this.allowStoreDestroy,
    );
    // A refused host places nothing: the error says why, and no container without a provider is made.
    if (read.props.host)
      read.props.host._placeProcess(this, { healthPort: identity.listenPort, store: storePlacement(store) }, () =>
        planOf(this),
      );
  }

  /** @internal */
  public _toModel(
    jvm: BrokerModel["jvm"],
    inherited: Readonly<Record<string, PropertyValue>>,
    declared: Readonly<Record<string, Declared>> = {},
    inheritedUnresolved: readonly string[] = [],
  ): BrokerModel {
    const own = this.props.properties ?? {};
    const propertyDeclared = Object.fromEntries(
      Object.entries(declared).filter(([field]) => !(field.startsWith("properties.") && field.slice(11) in own)),
    );
    return {
      path: this.node.path,
      host: this.props.host ? hostModelOf(this.props.host) : unplacedHost(this.node.path),
      containerName: this.identity.containerName,
      jvm,
      store: resolveStore(
        this.props.host,
        this.props.store,
        this.identity.containerName,
        BROKER_STORE_PATH,
        this.allowStoreDestroy,
      ),
      extraProperties: { ...inherited, ...own },
      brokerId: this.identity.brokerId,
      brokerRole: this.identity.brokerRole as BrokerModel["brokerRole"],
      flushDiskType: this.identity.flushDiskType as BrokerModel["flushDiskType"],
      listenPort: this.identity.listenPort,
      dledger: this.identity.dledger,
      haListenPort: this.props.haListenPort,
      declared: propertyDeclared,
      defaults: defaultsOf(this.props),
      unresolvedProperties: [
        ...new Set([...inheritedUnresolved.filter((k) => !(k in own)), ...(this.input?.unresolvedProperties ?? [])]),
      ],
      unchecked: (this.input?.reader.failed ?? false) || (this.input?.missing ?? false),
    };
  }

  /** @internal */
  public get _jvmProps(): JvmProps | undefined {
    return this.props.jvm;
  }
}

/** The host of a process whose host was refused (the error is on the process): nothing is placed, no rule compares it. */
export function unplacedHost(path: string): HostModel {
  return { path: `${path}#host`, address: "", isolatedLoopback: false, unresolved: ["address"] };
}

/**
 * The model of a broker set's processes: the cluster's broker JVM and properties, then the set's
 * properties, then each broker's own (the most specific wins). Inherited values remember where they were declared,
 * so that a problem with one is reported there, once.
 */
export function membersModel(
  cluster: RocketMqCluster,
  setProperties: Readonly<Record<string, PropertyValue>> | undefined,
  processes: readonly BrokerProcess[],
  setPath?: string,
  setUnresolved: readonly string[] = [],
): BrokerModel[] {
  const clusterProps = cluster._props.brokerProperties ?? {};
  const inherited = { ...clusterProps, ...(setProperties ?? {}) };
  const declared: Record<string, Declared> = {};
  for (const key of Object.keys(clusterProps))
    declared[`properties.${key}`] = { path: cluster.node.path, prop: `brokerProperties.${key}` };
  if (setPath)
    for (const key of Object.keys(setProperties ?? {}))
      declared[`properties.${key}`] = { path: setPath, prop: `properties.${key}` };
  return processes.map((b) => {
    const layers: JvmLayer[] = [
      { props: cluster._props.brokerJvm, at: { path: cluster.node.path, prop: "brokerJvm" } },
      { props: b._jvmProps },
    ];
    const jvm = resolveJvmDeclared(BROKER_JVM, ...layers);
    return b._toModel(jvm.jvm, inherited, { ...declared, ...jvm.declared }, [
      ...cluster._unresolvedProperties.filter((k) => !(k in (setProperties ?? {}))),
      ...setUnresolved,
    ]);
  });
}

/**
 * The stack output `<set path>_endpoints` of a broker set: `brokerIP1:listenPort` of every member, `;`-joined in
 * member order, as clients and operators address the brokers (e.g. `mqadmin -b`). Read from the stack's model at
 * synth.
 */
export function brokerSetEndpointsOutput(set: Construct, cluster: RocketMqCluster, brokerName: string): void {
  const path = set.node.path;
  const value = Lazy.stringValue({
    produce: () =>
      (brokerSetModelOf(set, path)?.members ?? []).map((m) => `${m.host.address}:${m.listenPort}`).join(";"),
  });
  new TerraformOutput(set, "endpoints", {
    value,
    description: `brokerIP1:listenPort of every broker of ${brokerName} (cluster ${cluster.clusterName}).`,
  }).overrideLogicalId(outputIdOf(set, "endpoints"));
}
