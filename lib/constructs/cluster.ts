import { Lazy, TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { BrokerSetModel, ClusterModel, namesrvAddr, PropertyValue, RunAsModel } from "../core/model";
import { DEFAULT_VERSION } from "../core/versions/catalogue";
import type { ControllerGroup } from "./controller-group";
import type { NameServer } from "./name-server";
import type { Proxy } from "./proxy";
import type { Dashboard } from "./dashboard";
import { JvmProps, outputIdOf, readJvm } from "./common";
import { reportFindings } from "../synth/report";
import { clusterModelOf, invalidate, markCluster } from "../synth/analysis";
import { writeTopologyOnSynth } from "../synth/topology-file";
import { error } from "../core/findings";
import { isToken, LITERAL, PropsReader } from "../synth/input";

/** Props of a RocketMqCluster: what every process of the cluster shares. */
export interface RocketMqClusterProps {
  /**
   * brokerClusterName of every broker of the cluster.
   * @default "DefaultCluster"
   */
  readonly clusterName?: string;
  /**
   * RocketMQ version: picks the key catalogue, the version rules and the default image. Exact: it must be one of
   * SUPPORTED_VERSIONS (4.5.0 ... 5.5.1).
   * @default "5.5.0" (DEFAULT_VERSION: the newest release whose servers are on Maven Central and whose image is published)
   */
  readonly version?: string;
  /**
   * Container image of every process.
   * @default `apache/rocketmq:<version>`
   */
  readonly image?: string;
  /** JVM sizing of every broker of the cluster (a broker's own jvm prop wins). @default heap 1024 MiB, direct memory 1024 MiB */
  readonly brokerJvm?: JvmProps;
  /** JVM sizing of every name server of the cluster. @default heap 512 MiB, direct memory 256 MiB */
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
}

/**
 * A RocketMQ cluster: name servers and broker sets (BrokerPair, DLedgerGroup) declared inside it.
 * An ordinary construct: it can sit anywhere in a stack, beside other resources and other
 * clusters; rules about hosts count every process on a host, whichever cluster it belongs to.
 */
export class RocketMqCluster extends Construct {
  /** brokerClusterName of every broker of the cluster. */
  public readonly clusterName: string;
  /** The RocketMQ version (its key catalogue, version rules and default image). */
  public readonly version: string;
  /** The image of every RocketMQ process of the cluster. */
  public readonly image: string;
  /** @internal The props as read: every value of the right type (refused ones left out). */
  public readonly _props: RocketMqClusterProps;
  /** @internal brokerProperties keys whose value is a Terraform expression. */
  public readonly _unresolvedProperties: readonly string[];
  /** `host:port;host:port` of every name server, for clients (resolved at synth). */
  public readonly namesrvAddr: string;
  private readonly imageUnresolved: boolean;
  /** Name servers, broker sets, controller groups and proxies whose nearest cluster is this one, as declared. */
  private readonly members: Member[] = [];

  constructor(scope: Construct, id: string, props: RocketMqClusterProps = {}) {
    super(scope, id);
    // Every prop is read (and refused when wrong) before anything uses it.
    const r = new PropsReader(this.node.path);
    const o = r.object(
      props,
      `RocketMqCluster ${id}`,
      false,
      `{ clusterName: "DefaultCluster", version: "${DEFAULT_VERSION}" }`,
    );
    r.known(o, [
      "clusterName",
      "version",
      "image",
      "brokerJvm",
      "nameServerJvm",
      "brokerProperties",
      "runAs",
      "allowStoreDestroy",
    ]);
    const brokerProperties = r.properties(o, "brokerProperties");
    const image = r.string(o, "image", { example: `"apache/rocketmq:${DEFAULT_VERSION}"` });
    const runAs = r.string(o, "runAs", {
      literal: "the containers run as it and the stores are handed to it",
      example: '"3000:3000"',
    });
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
    this._props = {
      clusterName: r.string(o, "clusterName", { literal: LITERAL.name, example: '"DefaultCluster"' }),
      version: r.string(o, "version", { literal: LITERAL.version, example: `"${DEFAULT_VERSION}"` }),
      image,
      brokerJvm: readJvm(r, o, "brokerJvm"),
      nameServerJvm: readJvm(r, o, "nameServerJvm"),
      brokerProperties: brokerProperties.values,
      runAs,
      allowStoreDestroy: r.boolean(o, "allowStoreDestroy"),
    };
    this._unresolvedProperties = brokerProperties.unresolved;
    this.imageUnresolved = image !== undefined && isToken(image);
    if (this.imageUnresolved) r.unresolved("image", "that it is a valid image reference (names/image)");
    this.clusterName = this._props.clusterName ?? "DefaultCluster";
    this.version = this._props.version ?? DEFAULT_VERSION;
    this.image = this._props.image ?? `apache/rocketmq:${this.version}`;
    this.namesrvAddr = Lazy.stringValue({ produce: () => namesrvAddr(clusterModelOf(this)) });
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

  /** The cluster that contains `scope`. */
  public static of(scope: Construct): RocketMqCluster {
    for (
      let s: Construct | undefined = scope.node.scope as Construct | undefined;
      s;
      s = s.node.scope as Construct | undefined
    ) {
      if (s instanceof RocketMqCluster) return s;
    }
    throw new Error(
      `${scope.node.path}: RocketMQ name servers and broker sets must be declared inside a RocketMqCluster.`,
    );
  }

  /** @internal Called by every name server, broker set, controller group and proxy of this cluster when it is created. */
  public _addMember(member: Member): void {
    this.members.push(member);
  }

  /** @internal */
  public _toModel(): ClusterModel {
    const ofKind = <T extends Member>(kind: Member["_kind"]) => this.members.filter((c): c is T => c._kind === kind);
    const sorted = <T extends { path: string }>(models: T[]) => models.sort(byPath);
    const brokerSets = sorted(
      ofKind<Member & { _toModel(c: RocketMqCluster): BrokerSetModel }>("brokerSet").map((s) => s._toModel(this)),
    );
    const groups = ofKind<ControllerGroup>("controllerGroup")
      .map((construct) => ({ construct, path: construct.node.path }))
      .sort(byPath)
      .map((g) => g.construct);
    const controllerGroups = groups.map((g) => g._toModel(this));
    const proxies = sorted(ofKind<Proxy>("proxy").map((p) => p._toModel(this)));
    const dashboards = sorted(ofKind<Dashboard>("dashboard").map((d) => d._toModel()));
    // Name servers that embed a controller carry its peer (enableControllerInNamesrv).
    const nsModels = sorted(
      ofKind<NameServer>("namesrv").map((construct) => {
        const ns = construct._toModel(this);
        const peer = groups.map((g) => g._peerOf(construct)).find(Boolean);
        return peer ? { ...ns, controller: peer } : ns;
      }),
    );
    return {
      path: this.node.path,
      clusterName: this.clusterName,
      version: this.version,
      image: this.image,
      runAs: parseRunAs(this._props.runAs),
      nameServers: nsModels,
      brokerSets,
      controllerGroups,
      proxies,
      dashboards,
      ...(this.imageUnresolved ? { unresolved: ["image" as const] } : {}),
    };
  }
}

/** A construct that belongs to a cluster: `_kind` says which list of the cluster's model it goes to. */
type Member = Construct & { readonly _kind: "namesrv" | "brokerSet" | "controllerGroup" | "proxy" | "dashboard" };

function byPath(a: { path: string }, b: { path: string }): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/** `"3000:3000"` → { uid, gid }; a malformed value is kept as NaN and reported by the rules. */
function parseRunAs(runAs: string | undefined): RunAsModel | undefined {
  if (runAs === undefined) return undefined;
  const m = /^(\d+):(\d+)$/.exec(String(runAs).trim());
  return m ? { uid: Number(m[1]), gid: Number(m[2]) } : { uid: NaN, gid: NaN };
}
