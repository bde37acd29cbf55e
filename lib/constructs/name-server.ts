import { Construct } from "constructs";
import { NameServerModel, PropertyValue } from "../core/model";
import { DEFAULT_NAMESRV_PORT } from "../core/ports";
import { hostModelOf, IRocketMqHost } from "../targets/host";
import { unplacedHost } from "./broker-process";
import { RocketMqCluster } from "./cluster";
import {
  containerNameOf,
  defaultsOf,
  JvmProps,
  NAMESRV_JVM,
  readHost,
  readJvm,
  readStore,
  resolveJvmDeclared,
  resolveStore,
  StoreProps,
  storePlacement,
} from "./common";
import { reportFindings } from "../synth/report";
import { invalidate, planOf } from "../synth/analysis";
import { LITERAL, PropsReader } from "../synth/input";

export const NAMESRV_STORE_PATH = "/home/rocketmq/namesrv";

/** Props of a NameServer. */
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
  /** The machine that runs this name server. */
  public readonly host: IRocketMqHost;
  /** listenPort, part of every broker's namesrvAddr. */
  public readonly listenPort: number;
  /** Container name on the host. */
  public readonly containerName: string;
  private readonly props: Omit<NameServerProps, "host"> & { host?: IRocketMqHost };
  private readonly unresolvedProperties: readonly string[];
  private readonly refused: boolean;

  constructor(scope: Construct, id: string, props: NameServerProps) {
    super(scope, id);
    const cluster = RocketMqCluster.of(this);
    cluster._addMember(this);
    // Every prop is read (and refused when wrong) before anything uses it.
    const r = new PropsReader(this.node.path);
    const o = r.object(props, `NameServer ${id}`, true, "{ host }");
    r.known(o, ["host", "listenPort", "containerName", "jvm", "store", "properties"]);
    const properties = r.properties(o, "properties");
    this.props = {
      host: readHost(r, o, this),
      listenPort: r.integer(o, "listenPort", { literal: LITERAL.port, example: DEFAULT_NAMESRV_PORT }),
      containerName: r.string(o, "containerName", {
        literal: LITERAL.name,
        example: `"${containerNameOf(cluster.clusterName, "namesrv", id)}"`,
      }),
      jvm: readJvm(r, o, "jvm"),
      store: readStore(r, o),
      properties: properties.values,
    };
    this.unresolvedProperties = properties.unresolved;
    this.refused = r.failed;
    this.host = this.props.host as IRocketMqHost;
    this.listenPort = this.props.listenPort ?? DEFAULT_NAMESRV_PORT;
    this.containerName = this.props.containerName ?? containerNameOf(cluster.clusterName, "namesrv", id);
    invalidate(this);
    reportFindings(this, r.findings);
    const store = resolveStore(
      this.props.host,
      this.props.store,
      this.containerName,
      NAMESRV_STORE_PATH,
      cluster._props.allowStoreDestroy,
    );
    // A refused host places nothing: the error says why, and no container without a provider is made.
    this.props.host?._placeProcess(this, { healthPort: this.listenPort, store: storePlacement(store) }, () =>
      planOf(this),
    );
  }

  /** `address:listenPort`, as brokers and clients list it. */
  public get endpoint(): string {
    return `${this.host?.address ?? ""}:${this.listenPort}`;
  }

  /** @internal */
  public _toModel(cluster: RocketMqCluster): NameServerModel {
    const jvm = resolveJvmDeclared(
      NAMESRV_JVM,
      { props: cluster._props.nameServerJvm, at: { path: cluster.node.path, prop: "nameServerJvm" } },
      { props: this.props.jvm },
    );
    return {
      path: this.node.path,
      host: this.props.host ? hostModelOf(this.props.host) : unplacedHost(this.node.path),
      containerName: this.containerName,
      listenPort: this.listenPort,
      jvm: jvm.jvm,
      store: resolveStore(
        this.props.host,
        this.props.store,
        this.containerName,
        NAMESRV_STORE_PATH,
        cluster._props.allowStoreDestroy,
      ),
      extraProperties: { ...(this.props.properties ?? {}) },
      declared: jvm.declared,
      defaults: defaultsOf(this.props),
      unresolvedProperties: [...this.unresolvedProperties],
      unchecked: this.refused,
    };
  }
}
