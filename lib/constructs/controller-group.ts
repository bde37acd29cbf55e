import { Construct } from "constructs";
import { error } from "../core/findings";
import { ControllerGroupModel, ControllerModel, PropertyValue } from "../core/model";
import { DEFAULT_CONTROLLER_PORT } from "../core/ports";
import { hostModelOf, IRocketMqHost } from "../targets/host";
import { unplacedHost } from "./broker-process";
import { RocketMqCluster } from "./cluster";
import {
  containerNameOf,
  defaultsOf,
  memberIds,
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
import { NameServer } from "./name-server";
import { invalidate, planOf } from "../synth/analysis";
import { LITERAL, moveTo, PropsReader, show } from "../synth/input";

export const CONTROLLER_STORE_PATH = "/home/rocketmq/controller";

/** A standalone controller (mqcontroller). */
export interface ControllerProps {
  /** The machine that runs this controller. */
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
  /** The name server that runs this controller (on its host, beside its listenPort). */
  readonly nameServer: NameServer;
  /** controllerDLegerSelfId. @default `n<index>` */
  readonly selfId?: string;
  /** Controller port beside the name server's listenPort. @default 9878 - 10 × index */
  readonly port?: number;
}

/** Props of a ControllerGroup: standalone controllers or controllers inside name servers (set exactly one). */
export interface ControllerGroupProps {
  /** controllerDLegerGroup. @default the construct id */
  readonly controllerDLegerGroup?: string;
  /**
   * Standalone controllers, each in its own container. Set this or `inNameServers`.
   * @default none: set `inNameServers` instead
   */
  readonly controllers?: ControllerProps[];
  /**
   * Controllers embedded in these name servers (no extra containers). Set this or `controllers`.
   * @default none: set `controllers` instead
   */
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
  /** controllerDLegerGroup of every controller of the group. */
  public readonly controllerDLegerGroup: string;
  private readonly isEmbedded: boolean;
  private readonly standalone: {
    construct: Construct;
    props: Omit<ControllerProps, "host"> & { host?: IRocketMqHost };
    selfId: string;
    port: number;
    containerName: string;
    unresolvedProperties: readonly string[];
    refused: boolean;
  }[];
  private readonly embedded: { nameServer: NameServer; selfId: string; port: number }[];

  constructor(scope: Construct, id: string, props: ControllerGroupProps) {
    super(scope, id);
    const cluster = RocketMqCluster.of(this);
    cluster._addMember(this);
    // Every prop is read (and refused when wrong) before anything uses it.
    const r = new PropsReader(this.node.path);
    const o = r.object(props, `ControllerGroup ${id}`, true, "{ inNameServers: [{ nameServer }, ...] }");
    r.known(o, ["controllerDLegerGroup", "controllers", "inNameServers"]);
    this.controllerDLegerGroup =
      r.string(o, "controllerDLegerGroup", { literal: LITERAL.id, example: `"${id}"` }) ?? id;
    const present = (k: string) => o[k] !== undefined && o[k] !== null;
    if (present("controllers") === present("inNameServers")) {
      r.findings.push(
        error(
          this.node.path,
          "controller/kind",
          `A ControllerGroup runs its controllers either standalone (controllers) or inside name servers (inNameServers); ${present("controllers") ? "both are set" : "neither is set"}.`,
          `Set exactly one of controllers: [{ host }, ...] and inNameServers: [{ nameServer }, ...].`,
        ),
      );
    }
    this.isEmbedded = present("inNameServers");
    const embedded = r.array(o, "inNameServers", {
      example: "[{ nameServer: ns1 }, { nameServer: ns2 }, { nameServer: ns3 }]",
    });
    const controllers = r.array(o, "controllers", { example: "[{ host: h1 }, { host: h2 }, { host: h3 }]" });
    this.embedded = [];
    embedded.forEach((raw, i) => {
      const e = r.nested(`inNameServers[${i}]`);
      const eo = e.object(raw, `inNameServers[${i}]`, true, "{ nameServer }");
      e.known(eo, ["nameServer", "selfId", "port"]);
      const selfId = e.string(eo, "selfId", { literal: LITERAL.id, example: `"n${i}"` }) ?? `n${i}`;
      const port =
        e.integer(eo, "port", { literal: LITERAL.port, example: DEFAULT_CONTROLLER_PORT - 10 * i }) ??
        DEFAULT_CONTROLLER_PORT - 10 * i;
      const ns = eo.nameServer;
      if (!(ns instanceof NameServer) || RocketMqCluster.of(ns) !== cluster) {
        r.findings.push(
          error(
            this.node.path,
            ns === undefined ? "props/required" : "props/type",
            `inNameServers[${i}].nameServer is ${ns instanceof NameServer ? `the name server ${ns.node.path} of another cluster` : show(ns)}, not a NameServer of this cluster.`,
            `Set inNameServers[${i}].nameServer to a NameServer declared in ${cluster.node.path}.`,
          ),
        );
        return;
      }
      this.embedded.push({ nameServer: ns, selfId, port });
    });
    invalidate(this);
    reportFindings(this, r.findings);
    // A standalone controller's construct id is its selfId: read the selfIds first, then each controller at its path.
    const pre = controllers.map((raw, i) => {
      const c = new PropsReader("");
      const co = c.object(raw, `controllers[${i}]`, true, "{ host }");
      return { c, co, selfId: c.string(co, "selfId", { literal: LITERAL.id, example: `"n${i}"` }) ?? `n${i}` };
    });
    const ids = memberIds(
      pre.map((p) => p.selfId),
      "controller",
    );
    // A loop, not map(): cdktf keeps the stack trace of each resource's construction, so every frame between
    // the user's code and a resource is memory held per resource.
    this.standalone = [];
    for (const [i, { c: first, co, selfId }] of pre.entries()) {
      const construct = new Construct(this, ids[i]);
      const c = new PropsReader(construct.node.path, "", moveTo(first.findings, construct.node.path));
      c.known(co, ["host", "selfId", "port", "containerName", "jvm", "store", "properties"]);
      const properties = c.properties(co, "properties");
      const cp = {
        host: readHost(c, co, construct),
        selfId,
        port: c.integer(co, "port", { literal: LITERAL.port, example: DEFAULT_CONTROLLER_PORT - 10 * i }),
        containerName: c.string(co, "containerName", {
          literal: LITERAL.name,
          example: `"${containerNameOf(cluster.clusterName, "controller", selfId)}"`,
        }),
        jvm: readJvm(c, co, "jvm"),
        store: readStore(c, co),
        properties: properties.values,
      };
      reportFindings(construct, c.findings);
      const containerName = cp.containerName ?? containerNameOf(cluster.clusterName, "controller", selfId);
      const port = cp.port ?? DEFAULT_CONTROLLER_PORT - 10 * i;
      const store = resolveStore(
        cp.host,
        cp.store,
        containerName,
        CONTROLLER_STORE_PATH,
        cluster._props.allowStoreDestroy,
      );
      cp.host?._placeProcess(construct, { healthPort: port, store: storePlacement(store) }, () => planOf(construct));
      this.standalone.push({
        construct,
        props: cp,
        selfId,
        port,
        containerName,
        unresolvedProperties: properties.unresolved,
        refused: c.failed,
      });
    }
  }

  /** @internal the controller peer of a name server, when this group is embedded in it. */
  public _peerOf(ns: NameServer): { selfId: string; port: number } | undefined {
    const e = this.embedded.find((x) => x.nameServer === ns);
    return e && { selfId: e.selfId, port: e.port };
  }

  /** @internal */
  public _toModel(cluster: RocketMqCluster): ControllerGroupModel {
    const controllers: ControllerModel[] = this.standalone.map((c) => {
      const jvm = resolveJvmDeclared(
        NAMESRV_JVM,
        { props: cluster._props.nameServerJvm, at: { path: cluster.node.path, prop: "nameServerJvm" } },
        { props: c.props.jvm },
      );
      return {
        path: c.construct.node.path,
        host: c.props.host ? hostModelOf(c.props.host) : unplacedHost(c.construct.node.path),
        containerName: c.containerName,
        jvm: jvm.jvm,
        store: resolveStore(
          c.props.host,
          c.props.store,
          c.containerName,
          CONTROLLER_STORE_PATH,
          cluster._props.allowStoreDestroy,
        ),
        extraProperties: { ...(c.props.properties ?? {}) },
        selfId: c.selfId,
        port: c.port,
        declared: jvm.declared,
        defaults: defaultsOf(c.props),
        unresolvedProperties: [...c.unresolvedProperties],
        unchecked: c.refused,
      };
    });
    return {
      path: this.node.path,
      controllerDLegerGroup: this.controllerDLegerGroup,
      embedded: this.isEmbedded,
      controllers,
    };
  }
}
