import { Lazy, TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { BrokerModel, BrokerRole, FlushDiskType, PropertyValue } from "../core/model";
import { RocketMqCluster } from "./cluster";
import { hostModelOf, IRocketMqHost } from "../targets/host";
import { BROKER_JVM, checkStoreProps, JvmProps, outputIdOf, resolveJvm, resolveStore, StoreProps, storePlacement } from "./common";
import { reportFindings } from "../synth/report";
import { clusterModelOf, invalidate, planOf } from "../synth/analysis";

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

/** What a broker set decides about one of its brokers. */
export interface BrokerIdentity {
  readonly brokerId: number;
  readonly brokerRole?: BrokerRole;
  readonly flushDiskType?: FlushDiskType;
  readonly listenPort: number;
  readonly containerName: string;
  readonly dledger?: { readonly selfId: string; readonly port: number };
}

/**
 * One broker process of a BrokerPair or DLedgerGroup: its container on its host. Created by the
 * broker set; its construct path (`.../broker-a/master`, `.../broker-a/slave-1`, `.../broker-c/n0`)
 * is what synth errors name.
 */
export class BrokerProcess extends Construct {
  public readonly host: IRocketMqHost;
  public readonly identity: BrokerIdentity;
  private readonly props: BrokerProps;
  private readonly allowStoreDestroy: boolean | undefined;

  constructor(scope: Construct, id: string, props: BrokerProps, identity: BrokerIdentity) {
    super(scope, id);
    this.props = props;
    this.host = props.host;
    this.identity = identity;
    invalidate(this);
    reportFindings(this);
    checkStoreProps(this, props.store);
    this.allowStoreDestroy = RocketMqCluster.of(this)._props.allowStoreDestroy;
    const store = resolveStore(props.store, identity.containerName, BROKER_STORE_PATH, this.allowStoreDestroy);
    props.host._placeProcess(this, { healthPort: identity.listenPort, store: storePlacement(store) }, () => planOf(this));
  }

  /** @internal */
  public _toModel(jvm: BrokerModel["jvm"], inherited: Readonly<Record<string, PropertyValue>>): BrokerModel {
    return {
      path: this.node.path,
      host: hostModelOf(this.host),
      containerName: this.identity.containerName,
      jvm,
      store: resolveStore(this.props.store, this.identity.containerName, BROKER_STORE_PATH, this.allowStoreDestroy),
      extraProperties: { ...inherited, ...(this.props.properties ?? {}) },
      brokerId: this.identity.brokerId,
      brokerRole: this.identity.brokerRole,
      flushDiskType: this.identity.flushDiskType,
      listenPort: this.identity.listenPort,
      dledger: this.identity.dledger,
      haListenPort: this.props.haListenPort,
    };
  }

  /** @internal */
  public get _jvmProps(): JvmProps | undefined {
    return this.props.jvm;
  }
}

/**
 * The model of a broker set's processes: the cluster's broker JVM and properties, then the set's
 * properties, then each broker's own (the most specific wins).
 */
export function membersModel(
  cluster: RocketMqCluster,
  setProperties: Readonly<Record<string, PropertyValue>> | undefined,
  processes: readonly BrokerProcess[],
): BrokerModel[] {
  const inherited = { ...(cluster._props.brokerProperties ?? {}), ...(setProperties ?? {}) };
  return processes.map((b) => b._toModel(resolveJvm(BROKER_JVM, cluster._props.brokerJvm, b._jvmProps), inherited));
}

/**
 * The stack output `<set path>_endpoints` of a broker set: `brokerIP1:listenPort` of every member, `;`-joined in
 * member order, as clients and operators address the brokers (e.g. `mqadmin -b`). Read from the stack's model at
 * synth.
 */
export function brokerSetEndpointsOutput(set: Construct, cluster: RocketMqCluster, brokerName: string): void {
  const value = Lazy.stringValue({
    produce: () => {
      const model = clusterModelOf(cluster).brokerSets.find((s) => s.path === set.node.path);
      return (model?.members ?? []).map((m) => `${m.host.address}:${m.listenPort}`).join(";");
    },
  });
  new TerraformOutput(set, "endpoints", { value, description: `brokerIP1:listenPort of every broker of ${brokerName} (cluster ${cluster.clusterName}).` }).overrideLogicalId(outputIdOf(set, "endpoints"));
}
