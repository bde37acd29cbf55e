import { Construct } from "constructs";
import { ControllerGroupModel, ControllerModel, PropertyValue } from "../core/model";
import { DEFAULT_CONTROLLER_PORT } from "../core/ports";
import { hostModelOf, IRocketMqHost } from "../targets/host";
import { RocketMqCluster } from "./cluster";
import { checkStoreProps, containerNameOf, memberIds, JvmProps, NAMESRV_JVM, resolveJvm, resolveStore, StoreProps, storePlacement } from "./common";
import { reportFindings } from "../synth/report";
import { NameServer } from "./name-server";
import { invalidate, planOf } from "../synth/analysis";

export const CONTROLLER_STORE_PATH = "/home/rocketmq/controller";

/** A standalone controller (mqcontroller). */
export interface ControllerProps {
  readonly host: IRocketMqHost;
  /** controllerDLegerSelfId. @default `n<index>` */
  readonly selfId?: string;
  /** Its port in controllerDLegerPeers, which brokers list in controllerAddr. @default 9878 - 10 × index (9878, 9868, 9858, as the official examples) */
  readonly port?: number;
  /** Container name. @default `<clusterName>-controller-<selfId>`, lower-cased */
  readonly containerName?: string;
  /** JVM sizing. @default heap 512 MiB, direct memory 256 MiB */
  readonly jvm?: JvmProps;
  /** Where the controller keeps its raft log (controllerStorePath). @default a named volume `<containerName>-store` */
  readonly store?: StoreProps;
  /** Extra controller settings, checked against the 5.x key catalogue. @default none */
  readonly properties?: Readonly<Record<string, PropertyValue>>;
}

/** A name server that also runs a controller (enableControllerInNamesrv). */
export interface EmbeddedControllerProps {
  readonly nameServer: NameServer;
  /** controllerDLegerSelfId. @default `n<index>` */
  readonly selfId?: string;
  /** Controller port beside the name server's listenPort. @default 9878 - 10 × index */
  readonly port?: number;
}

export interface ControllerGroupProps {
  /** controllerDLegerGroup. @default the construct id */
  readonly controllerDLegerGroup?: string;
  /** Standalone controllers, each in its own container. Set this or `inNameServers`. */
  readonly controllers?: ControllerProps[];
  /** Controllers embedded in these name servers (no extra containers). Set this or `controllers`. */
  readonly inNameServers?: EmbeddedControllerProps[];
}

/**
 * The RocketMQ 5 controller raft group of a cluster: it elects the master of every
 * ControllerBrokerSet (automatic failover without a DLedger commit log). 3 controllers,
 * standalone or inside the name servers.
 */
export class ControllerGroup extends Construct {
  /** @internal */
  public readonly _kind = "controllerGroup";
  public readonly controllerDLegerGroup: string;
  private readonly props: ControllerGroupProps;
  private readonly standalone: { construct: Construct; props: ControllerProps; selfId: string; port: number; containerName: string }[];
  private readonly embedded: { nameServer: NameServer; selfId: string; port: number }[];

  constructor(scope: Construct, id: string, props: ControllerGroupProps) {
    super(scope, id);
    const cluster = RocketMqCluster.of(this);
    cluster._addMember(this);
    this.props = props;
    this.controllerDLegerGroup = props.controllerDLegerGroup ?? id;
    if ((props.controllers === undefined) === (props.inNameServers === undefined)) {
      this.node.addValidation({ validate: () => ["[controller/kind] set exactly one of controllers (standalone) and inNameServers (embedded). Fix: choose where the controllers run."] });
    }
    invalidate(this);
    reportFindings(this);
    this.embedded = (props.inNameServers ?? []).map((e, i) => ({ nameServer: e.nameServer, selfId: e.selfId ?? `n${i}`, port: e.port ?? DEFAULT_CONTROLLER_PORT - 10 * i }));
    const selfIds = (props.controllers ?? []).map((c, i) => c.selfId ?? `n${i}`);
    const ids = memberIds(selfIds, "controller");
    // A loop, not map(): cdktf keeps the stack trace of each resource's construction, so every frame between
    // the user's code and a resource is memory held per resource.
    this.standalone = [];
    for (const [i, c] of (props.controllers ?? []).entries()) {
      const selfId = selfIds[i];
      const construct = new Construct(this, ids[i]);
      reportFindings(construct);
      const containerName = c.containerName ?? containerNameOf(cluster.clusterName, "controller", selfId);
      const port = c.port ?? DEFAULT_CONTROLLER_PORT - 10 * i;
      checkStoreProps(construct, c.store);
      const store = resolveStore(c.store, containerName, CONTROLLER_STORE_PATH, cluster._props.allowStoreDestroy);
      c.host._placeProcess(construct, { healthPort: port, store: storePlacement(store) }, () => planOf(construct));
      this.standalone.push({ construct, props: c, selfId, port, containerName });
    }
  }

  /** @internal the controller peer of a name server, when this group is embedded in it. */
  public _peerOf(ns: NameServer): { selfId: string; port: number } | undefined {
    const e = this.embedded.find((x) => x.nameServer === ns);
    return e && { selfId: e.selfId, port: e.port };
  }

  /** @internal */
  public _toModel(cluster: RocketMqCluster): ControllerGroupModel {
    const controllers: ControllerModel[] = this.standalone.map((c) => ({
      path: c.construct.node.path,
      host: hostModelOf(c.props.host),
      containerName: c.containerName,
      jvm: resolveJvm(NAMESRV_JVM, cluster._props.nameServerJvm, c.props.jvm),
      store: resolveStore(c.props.store, c.containerName, CONTROLLER_STORE_PATH, cluster._props.allowStoreDestroy),
      extraProperties: { ...(c.props.properties ?? {}) },
      selfId: c.selfId,
      port: c.port,
    }));
    return { path: this.node.path, controllerDLegerGroup: this.controllerDLegerGroup, embedded: this.props.inNameServers !== undefined, controllers };
  }
}
