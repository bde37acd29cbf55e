import { Construct } from "constructs";
import { NameServerModel, PropertyValue } from "../core/model";
import { DEFAULT_NAMESRV_PORT } from "../core/ports";
import { hostModelOf, IRocketMqHost } from "../targets/host";
import { RocketMqCluster } from "./cluster";
import { checkStoreProps, containerNameOf, JvmProps, NAMESRV_JVM, resolveJvm, resolveStore, StoreProps, storePlacement } from "./common";
import { reportFindings } from "../synth/report";
import { invalidate, planOf } from "../synth/analysis";

export const NAMESRV_STORE_PATH = "/home/rocketmq/namesrv";

export interface NameServerProps {
  /** The machine that runs this name server. */
  readonly host: IRocketMqHost;
  /**
   * listenPort of the name server; part of every broker's namesrvAddr.
   * @default 9876
   */
  readonly listenPort?: number;
  /**
   * Container name on the host.
   * @default `<clusterName>-namesrv-<id>`, lower-cased
   */
  readonly containerName?: string;
  /** JVM sizing. @default the cluster's nameServerJvm, else heap 512 MiB and direct memory 256 MiB */
  readonly jvm?: JvmProps;
  /** Where the name server keeps kvConfig.json. @default a named volume `<containerName>-store` */
  readonly store?: StoreProps;
  /** Extra namesrv settings, checked against the version's key catalogue. @default none */
  readonly properties?: Readonly<Record<string, PropertyValue>>;
}

/** A RocketMQ name server: one container on its host, listed in every broker's namesrvAddr. */
export class NameServer extends Construct {
  /** @internal */
  public readonly _kind = "namesrv";
  public readonly host: IRocketMqHost;
  public readonly listenPort: number;
  public readonly containerName: string;
  private readonly props: NameServerProps;

  constructor(scope: Construct, id: string, props: NameServerProps) {
    super(scope, id);
    const cluster = RocketMqCluster.of(this);
    cluster._addMember(this);
    this.props = props;
    this.host = props.host;
    this.listenPort = props.listenPort ?? DEFAULT_NAMESRV_PORT;
    this.containerName = props.containerName ?? containerNameOf(cluster.clusterName, "namesrv", id);
    invalidate(this);
    reportFindings(this);
    checkStoreProps(this, props.store);
    const store = resolveStore(props.store, this.containerName, NAMESRV_STORE_PATH, cluster._props.allowStoreDestroy);
    props.host._placeProcess(this, { healthPort: this.listenPort, store: storePlacement(store) }, () => planOf(this));
  }

  /** `address:listenPort`, as brokers and clients list it. */
  public get endpoint(): string {
    return `${this.host.address}:${this.listenPort}`;
  }

  /** @internal */
  public _toModel(cluster: RocketMqCluster): NameServerModel {
    return {
      path: this.node.path,
      host: hostModelOf(this.host),
      containerName: this.containerName,
      listenPort: this.listenPort,
      jvm: resolveJvm(NAMESRV_JVM, cluster._props.nameServerJvm, this.props.jvm),
      store: resolveStore(this.props.store, this.containerName, NAMESRV_STORE_PATH, cluster._props.allowStoreDestroy),
      extraProperties: { ...(this.props.properties ?? {}) },
    };
  }
}
