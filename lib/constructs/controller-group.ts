import { Construct } from "constructs";
import { error } from "../core/findings";
import { DEFAULT_CONTROLLER_PORT } from "../core/ports";
import { PropsReader, show } from "../input/reader";
import { Field, field, readConstructProps, readProps, Schema } from "../input/schema";
import { invalidate } from "../synth/analysis";
import { reportFindings } from "../synth/report";
import { ClusterModelParts, IClusterMember, RocketMqCluster } from "./cluster";
import { memberIds } from "./common";
import { Controller, ControllerProps, controllerSelfIdOf } from "./controller";
import { NameServer } from "./name-server";

/** A name server that also runs a controller (enableControllerInNamesrv). */
export interface EmbeddedControllerProps {
  /** The name server that runs this controller (on its host, beside its listenPort). */
  readonly nameServer: NameServer;
  /** controllerDLegerSelfId. @default `n<index>` */
  readonly selfId?: string;
  /** Controller port beside the name server's listenPort. @default 9878 - 10 × index, plus the cluster's portOffset */
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

/** A NameServer (the cluster is checked by the group, which knows it). */
const NAME_SERVER_FIELD: Field<NameServer> = {
  read(r, o, prop) {
    const v = o[prop];
    if (v instanceof NameServer) return v;
    r.findings.push(
      error(
        r.path,
        v === undefined || v === null ? "props/required" : "props/type",
        `${r.name(prop)} is ${show(v)}, not a NameServer of this cluster.`,
        `Set ${r.name(prop)} to a NameServer declared in the cluster.`,
      ),
    );
    return undefined;
  },
};

const EMBEDDED_SCHEMA: Schema<EmbeddedControllerProps> = {
  nameServer: NAME_SERVER_FIELD,
  selfId: field.id("n0"),
  port: field.port(DEFAULT_CONTROLLER_PORT),
};

const GROUP_SCHEMA: Schema<ControllerGroupProps> = {
  controllerDLegerGroup: field.id("group1"),
  controllers: field.members("[{ host: h1 }, { host: h2 }, { host: h3 }]"),
  inNameServers: field.members("[{ nameServer: ns1 }, { nameServer: ns2 }, { nameServer: ns3 }]"),
};

/**
 * The RocketMQ 5 controller raft group of a cluster: it elects the master of every
 * ControllerBrokerSet (automatic failover without a DLedger commit log). 3 controllers,
 * standalone or inside the name servers.
 */
export class ControllerGroup extends Construct implements IClusterMember {
  /** controllerDLegerGroup of every controller of the group. */
  public readonly controllerDLegerGroup: string;
  /** The standalone controllers, in declaration order (none when the group is embedded in name servers). */
  public readonly controllers: Controller[];
  private readonly isEmbedded: boolean;
  private readonly embedded: { nameServer: NameServer; selfId: string; port: number }[];

  constructor(scope: Construct, id: string, props: ControllerGroupProps) {
    super(scope, id);
    const cluster = RocketMqCluster.of(this);
    cluster._addMember(this);
    // Every prop is read (and refused when wrong) before anything uses it.
    const r = new PropsReader(this.node.path);
    const { props: read, raw } = readConstructProps(
      GROUP_SCHEMA,
      props,
      r,
      { scope: this },
      {
        what: `ControllerGroup ${id}`,
        required: true,
        example: "{ inNameServers: [{ nameServer }, ...] }",
      },
    );
    this.controllerDLegerGroup = read.controllerDLegerGroup ?? id;
    const present = (k: string) => raw[k] !== undefined && raw[k] !== null;
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
    this.embedded = [];
    (read.inNameServers ?? []).forEach((element, i) => {
      const e = r.nested(`inNameServers[${i}]`);
      const eo = e.object(element, `inNameServers[${i}]`, true, "{ nameServer }");
      const embedded = readProps(EMBEDDED_SCHEMA, eo, e, { scope: this });
      const ns = embedded.nameServer;
      if (!ns) return;
      if (RocketMqCluster.of(ns) !== cluster) {
        r.findings.push(
          error(
            this.node.path,
            "props/type",
            `inNameServers[${i}].nameServer is the name server ${ns.node.path} of another cluster, not a NameServer of this cluster.`,
            `Set inNameServers[${i}].nameServer to a NameServer declared in ${cluster.node.path}.`,
          ),
        );
        return;
      }
      this.embedded.push({
        nameServer: ns,
        selfId: embedded.selfId ?? `n${i}`,
        port: embedded.port ?? cluster._defaultPort(DEFAULT_CONTROLLER_PORT - 10 * i),
      });
    });
    invalidate(this);
    reportFindings(this, r.findings);
    // A standalone controller's construct id is its selfId: the selfIds first, then each controller at its path.
    const standalone = read.controllers ?? [];
    const ids = memberIds(
      standalone.map((raw, i) => controllerSelfIdOf(raw, i)),
      "controller",
    );
    // A loop, not map(): cdktf keeps the stack trace of each resource's construction, so every frame between
    // the user's code and a resource is memory held per resource.
    this.controllers = [];
    for (const [i, raw] of standalone.entries()) this.controllers.push(new Controller(this, ids[i], raw, i));
  }

  /** @internal */
  public _addToModel(parts: ClusterModelParts): void {
    for (const e of this.embedded)
      parts.embeddedControllers.set(e.nameServer.node.path, { selfId: e.selfId, port: e.port });
    parts.controllerGroups.push({
      path: this.node.path,
      controllerDLegerGroup: this.controllerDLegerGroup,
      embedded: this.isEmbedded,
      controllers: this.controllers.map((c) => c._toModel()),
    });
  }
}
