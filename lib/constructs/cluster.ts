import { Lazy, TerraformOutput } from "cdktf";
import { Construct, IConstruct } from "constructs";
import { error } from "../core/findings";
import {
  AccessControlModel,
  BrokerSetModel,
  ClusterModel,
  ControllerGroupModel,
  ControllerPeer,
  DashboardModel,
  NameServerModel,
  namesrvAddr,
  PropertyValue,
  ProxyModel,
  RunAsModel,
  TlsModel,
} from "../core/model";
import { RocketMqVersion, versionConstantName } from "../core/versions/rocketmq-version";
import { isToken, LITERAL, PropsReader } from "../input/reader";
import { Field, field, Read, readConstructProps, Schema } from "../input/schema";
import { clusterModelOf, invalidate, markCluster } from "../synth/analysis";
import { reportFindings } from "../synth/report";
import { writeTopologyOnSynth } from "../synth/topology-file";
import { ACCESS_CONTROL_FIELD, AccessControlProps, accessControlModel } from "./access-control";
import { JvmProps, outputIdOf } from "./common";
import { TLS_FIELD, tlsModel, TlsProps } from "./tls";

/** Props of a RocketMqCluster: what every process of the cluster shares. */
export interface RocketMqClusterProps {
  /**
   * brokerClusterName of every broker of the cluster.
   * @default "DefaultCluster"
   */
  readonly clusterName?: string;
  /**
   * RocketMQ version: picks the key catalogue, the version rules and the default image. One of the constants
   * (`RocketMqVersion.V5_5_0`), or `RocketMqVersion.of("5.5.0")`; JavaScript and JSON callers may pass the string,
   * checked the same way. A version without a catalogue is refused at synth (`versions/unknown`).
   * @default RocketMqVersion.DEFAULT (5.5.0: the newest release whose servers are on Maven Central and whose image is published)
   */
  readonly version?: RocketMqVersion;
  /**
   * Container image of every process.
   * @default `apache/rocketmq:<version>`
   */
  readonly image?: string;
  /** JVM sizing of every broker of the cluster (a broker's own jvm prop wins). @default heap 1024 MiB, direct memory 1024 MiB */
  readonly brokerJvm?: JvmProps;
  /** JVM sizing of every name server, controller and proxy of the cluster. @default heap 512 MiB, direct memory 256 MiB */
  readonly nameServerJvm?: JvmProps;
  /**
   * Extra broker.properties settings for every broker of the cluster (a broker set's or a broker's
   * own properties win). Checked against the version's key catalogue.
   * @default none
   */
  readonly brokerProperties?: Readonly<Record<string, PropertyValue>>;
  /**
   * The user and group RocketMQ runs as, `uid:gid`: every container runs as it, and every store (named
   * volume or host directory) is handed to it before the server starts. The official image's user
   * `rocketmq` is 3000:3000 (its Alpine build: 3000:999).
   * @default "3000:3000"
   */
  readonly runAs?: string;
  /**
   * Let Terraform delete the stores' named volumes on `destroy` or when a change replaces them (each
   * store's `allowDestroy` can override it). Off, every store volume carries `prevent_destroy`: `destroy`,
   * or a change that would replace a volume, fails and the commit logs stay.
   * @default false
   */
  readonly allowStoreDestroy?: boolean;
  /**
   * Access control: the accounts every client, the console and the library's own processes sign with. ACL 1.0
   * (`aclEnable`, `plain_acl.yml`) before 5.3.0, ACL 2.0 from 5.3.0 (see AccessControlProps.version).
   * @default none: RocketMQ lets anyone in
   */
  readonly accessControl?: AccessControlProps;
  /**
   * TLS in transit: `tls.server.mode` of every server, the certificate they present, and TLS between the members
   * themselves (brokers to name servers, slaves to masters, proxies); the console connects with TLS.
   * @default none: RocketMQ's own default (permissive, with the self-signed certificate of its test mode)
   */
  readonly tls?: TlsProps;
  /**
   * Added to every port the library chooses for the cluster's processes, so that a second cluster on the same machines
   * is one setting: the name servers' 9876, the brokers' 10911 (and the ports RocketMQ derives from it), the slaves'
   * 11911, 12911, ..., the DLedger peers' 40911, 40912, ..., the controllers' 9878, 9868, ..., the proxies' 8080 and
   * 8081, the console's 8082. A port given explicitly (`listenPort`, `dLegerPort`, `port`, ...) is used as given, and
   * so is a port set in `properties` (`metricsPromExporterPort`). A multiple of 100 keeps the clusters' ports apart:
   * with `portOffset: 100` the name servers listen at 9976 and the brokers at 11011.
   * @default 0
   */
  readonly portOffset?: number;
}

/** The highest portOffset: the library's highest default port (DLedger 40911 and up) stays a valid port. */
export const MAX_PORT_OFFSET = 24000;

/** A RocketMqVersion, or (from JavaScript and JSON) its string: a token is refused, the version is checked at synth. */
const VERSION_FIELD: Field<RocketMqVersion> = {
  read(r, o, prop) {
    const v = o[prop];
    if (v === undefined || v === null) return undefined;
    if (typeof v === "string") return isToken(v) ? r.token(prop, LITERAL.version) : RocketMqVersion.of(v);
    // A RocketMqVersion, also one made by another copy of the library.
    const version = (v as { version?: unknown }).version;
    if (typeof v === "object" && typeof version === "string" && !isToken(version)) return RocketMqVersion.of(version);
    r.findings.push(
      error(
        r.path,
        "props/type",
        `version is ${typeof v === "object" ? "an object" : `a ${typeof v}`}, not a RocketMqVersion.`,
        `Set version: RocketMqVersion.${versionConstantName(RocketMqVersion.DEFAULT.version)} (in JavaScript or JSON: "${RocketMqVersion.DEFAULT.version}").`,
      ),
    );
    return undefined;
  },
};

const CLUSTER_SCHEMA: Schema<RocketMqClusterProps> = {
  clusterName: field.name("DefaultCluster"),
  version: VERSION_FIELD,
  image: field.string({ example: `"apache/rocketmq:${RocketMqVersion.DEFAULT.version}"` }),
  brokerJvm: field.object(
    { heapMb: field.size(1024), directMemoryMb: field.size(1024), memoryMb: field.size(2304) },
    "{ heapMb: 1024, directMemoryMb: 1024 }",
  ),
  nameServerJvm: field.object(
    { heapMb: field.size(512), directMemoryMb: field.size(256), memoryMb: field.size(1024) },
    "{ heapMb: 512, directMemoryMb: 256 }",
  ),
  brokerProperties: field.properties(),
  runAs: field.string({ literal: "the containers run as it and the stores are handed to it", example: '"3000:3000"' }),
  allowStoreDestroy: field.boolean(),
  accessControl: ACCESS_CONTROL_FIELD,
  tls: TLS_FIELD,
  portOffset: field.integer(
    "the library adds it to every default port of the cluster and checks the ports for collisions at synth",
    100,
  ),
};

/** @internal The parts of a cluster's model, filled by its members at synth (see IClusterMember). */
export interface ClusterModelParts {
  readonly nameServers: NameServerModel[];
  readonly brokerSets: BrokerSetModel[];
  readonly controllerGroups: ControllerGroupModel[];
  readonly proxies: ProxyModel[];
  readonly dashboards: DashboardModel[];
  /** The controller peer of each name server that runs one (enableControllerInNamesrv), by the name server's path. */
  readonly embeddedControllers: Map<string, ControllerPeer>;
}

/** @internal A construct the cluster lists itself: it adds its part to the cluster's model at synth. */
export interface IClusterMember extends IConstruct {
  /** @internal */
  _addToModel(parts: ClusterModelParts, cluster: RocketMqCluster): void;
}

/**
 * A RocketMQ cluster: name servers and broker sets (BrokerPair, DLedgerGroup) declared inside it.
 * An ordinary construct: it can sit anywhere in a stack, beside other resources and other
 * clusters; rules about hosts count every process on a host, whichever cluster it belongs to.
 */
export class RocketMqCluster extends Construct {
  /** The cluster that contains `scope`. */
  public static of(scope: Construct): RocketMqCluster {
    for (let s = scope.node.scope; s; s = s.node.scope) {
      if (s instanceof RocketMqCluster) return s;
    }
    throw new Error(
      `${scope.node.path}: RocketMQ name servers and broker sets must be declared inside a RocketMqCluster.`,
    );
  }

  /** brokerClusterName of every broker of the cluster. */
  public readonly clusterName: string;
  /** The RocketMQ version (its key catalogue, version rules and default image). */
  public readonly version: RocketMqVersion;
  /** The image of every RocketMQ process of the cluster. */
  public readonly image: string;
  /** @internal The props as read: every value of the right type (refused ones left out). */
  public readonly _props: Read<RocketMqClusterProps>;
  /** @internal brokerProperties keys whose value is a Terraform expression. */
  public readonly _unresolvedProperties: readonly string[];
  /** Added to every default port of the cluster's processes (see RocketMqClusterProps.portOffset). */
  public readonly portOffset: number;
  /** `host:port;host:port` of every name server, for clients (resolved at synth). */
  public readonly namesrvAddr: string;
  private readonly imageUnresolved: boolean;
  private readonly accessControl?: AccessControlModel;
  private readonly tls?: TlsModel;
  /** Name servers, broker sets, controller groups, proxies and consoles of this cluster, as declared. */
  private readonly members: IClusterMember[] = [];

  constructor(scope: Construct, id: string, props: RocketMqClusterProps = {}) {
    super(scope, id);
    // Every prop is read (and refused when wrong) before anything uses it.
    const r = new PropsReader(this.node.path);
    this._props = readConstructProps(
      CLUSTER_SCHEMA,
      props,
      r,
      { scope: this },
      {
        what: `RocketMqCluster ${id}`,
        required: false,
        example: `{ clusterName: "DefaultCluster", version: RocketMqVersion.${versionConstantName(RocketMqVersion.DEFAULT.version)} }`,
      },
    ).props;
    const runAs = this._props.runAs;
    if (runAs !== undefined && !/^\d+:\d+$/.test(runAs.trim())) {
      r.findings.push(
        error(
          this.node.path,
          "ids/run-as",
          `runAs "${runAs}" is not a numeric uid:gid: the containers could not run as it and the stores could not be handed to it.`,
          `Set runAs to the user and group the image runs RocketMQ as, e.g. runAs: "3000:3000" (the official image), or leave it unset.`,
        ),
      );
    }
    const offset = this._props.portOffset;
    if (offset !== undefined && !(Number.isInteger(offset) && offset >= 0 && offset <= MAX_PORT_OFFSET)) {
      r.findings.push(
        error(
          this.node.path,
          "ports/offset",
          `portOffset ${offset} is not a whole number from 0 to ${MAX_PORT_OFFSET}: it is added to every default port of the cluster (the highest, a DLedger peer's 40911 and up, must stay a port below 65536).`,
          `Set portOffset to a multiple of 100 in that range, e.g. portOffset: 100, or leave it unset.`,
        ),
      );
    }
    this.portOffset =
      offset !== undefined && Number.isInteger(offset) && offset >= 0 && offset <= MAX_PORT_OFFSET ? offset : 0;
    this._unresolvedProperties = r.unresolvedProperties.get("brokerProperties") ?? [];
    this.imageUnresolved = this._props.image !== undefined && isToken(this._props.image);
    if (this.imageUnresolved) r.unresolved("image", "that it is a valid image reference (names/image)");
    this.clusterName = this._props.clusterName ?? "DefaultCluster";
    this.version = this._props.version ?? RocketMqVersion.DEFAULT;
    this.image = this._props.image ?? `apache/rocketmq:${this.version.version}`;
    this.namesrvAddr = Lazy.stringValue({ produce: () => namesrvAddr(clusterModelOf(this)) });
    if (this._props.accessControl)
      this.accessControl = accessControlModel(this._props.accessControl, this.node.path, this.version.version, r);
    if (this._props.tls) this.tls = tlsModel(this._props.tls, this.node.path, r);
    markCluster(this);
    writeTopologyOnSynth(this);
    invalidate(this);
    reportFindings(this, r.findings);
    const out = new TerraformOutput(this, "namesrvAddr", {
      value: this.namesrvAddr,
      description: `namesrvAddr of RocketMQ cluster ${this.clusterName}: hand it to producers, consumers and the console.`,
    });
    out.overrideLogicalId(outputIdOf(this, "namesrvAddr"));
  }

  /** @internal A port the library chooses for a process of this cluster: `port` moved by portOffset. */
  public _defaultPort(port: number): number {
    return port + this.portOffset;
  }

  /** @internal Called by every name server, broker set, controller group, proxy and console of this cluster when it is created. */
  public _addMember(member: IClusterMember): void {
    this.members.push(member);
  }

  /** @internal */
  public _toModel(): ClusterModel {
    const parts: ClusterModelParts = {
      nameServers: [],
      brokerSets: [],
      controllerGroups: [],
      proxies: [],
      dashboards: [],
      embeddedControllers: new Map(),
    };
    for (const m of this.members) m._addToModel(parts, this);
    // Name servers that embed a controller carry its peer (enableControllerInNamesrv).
    const nameServers = parts.nameServers.map((ns) => {
      const controller = parts.embeddedControllers.get(ns.path);
      return controller ? { ...ns, controller } : ns;
    });
    return {
      path: this.node.path,
      clusterName: this.clusterName,
      version: this.version.version,
      image: this.image,
      runAs: parseRunAs(this._props.runAs),
      nameServers: nameServers.sort(byPath),
      brokerSets: parts.brokerSets.sort(byPath),
      controllerGroups: parts.controllerGroups.sort(byPath),
      proxies: parts.proxies.sort(byPath),
      dashboards: parts.dashboards.sort(byPath),
      ...(this.accessControl ? { accessControl: this.accessControl } : {}),
      ...(this.imageUnresolved ? { unresolved: ["image" as const] } : {}),
      ...(this.tls ? { tls: this.tls } : {}),
    };
  }
}

function byPath(a: { path: string }, b: { path: string }): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/** `"3000:3000"` → { uid, gid }; a malformed value is kept as NaN and reported by the rules. */
function parseRunAs(runAs: string | undefined): RunAsModel | undefined {
  if (runAs === undefined) return undefined;
  const m = /^(\d+):(\d+)$/.exec(String(runAs).trim());
  return m ? { uid: Number(m[1]), gid: Number(m[2]) } : { uid: NaN, gid: NaN };
}
