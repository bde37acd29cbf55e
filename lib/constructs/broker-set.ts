import { Lazy, TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { BrokerModel, BrokerSetModel, Declared, PropertyValue } from "../core/model";
import { PropsReader } from "../input/reader";
import { field, Read, readConstructProps, readProps, Schema } from "../input/schema";
import { brokerSetModelOf, invalidate } from "../synth/analysis";
import { reportFindings } from "../synth/report";
import { BrokerProcess, BrokerProps, createBrokerProcess, BrokerIdentity } from "./broker-process";
import { ClusterModelParts, IClusterMember, RocketMqCluster } from "./cluster";
import { outputIdOf } from "./common";
import { ReadMember } from "./process";

/** What every broker set takes: its brokerName and the extra settings of all its brokers. */
export interface BrokerSetProps {
  /**
   * brokerName shared by every broker of the set.
   * @default the construct id
   */
  readonly brokerName?: string;
  /**
   * Extra broker.properties settings for every broker of the set (a broker's own properties win).
   * @default none
   */
  readonly properties?: Readonly<Record<string, PropertyValue>>;
}

/** The fields of BrokerSetProps: every set's schema starts from them. */
export const BROKER_SET_FIELDS: Schema<BrokerSetProps> = {
  brokerName: field.name("broker-a"),
  properties: field.properties(),
};

/** How one kind of broker set is declared: what `BrokerSet._declareSet` needs to know of it. */
export interface BrokerSetSpec<P extends BrokerSetProps> {
  /** The construct's class, for messages about its props object (`BrokerPair broker-a needs its props`). */
  readonly what: string;
  readonly schema: Schema<P>;
  /** The smallest props object, for messages. */
  readonly example: string;
}

/** A broker set as declared: what its model needs, computed once. */
interface DeclaredSet {
  readonly cluster: RocketMqCluster;
  readonly brokerName: string;
  readonly properties: Readonly<Record<string, PropertyValue>>;
  readonly unresolvedProperties: readonly string[];
}

/**
 * Brokers sharing one brokerName: a master and its slaves (BrokerPair), a DLedger raft group (DLedgerGroup), or a
 * RocketMQ 5 controller-mode set (ControllerBrokerSet). Each kind's constructor calls `_declareSet` once, then makes
 * its members with `_member`; the model, the endpoints output and the inherited settings are the same for every kind.
 */
export abstract class BrokerSet extends Construct implements IClusterMember {
  /** @internal */
  protected _set!: DeclaredSet;
  /** @internal The brokers, in declaration order. */
  protected readonly _brokers: BrokerProcess[] = [];

  protected constructor(scope: Construct, id: string) {
    super(scope, id);
  }

  /** brokerName shared by every broker of the set. */
  public get brokerName(): string {
    return this._set.brokerName;
  }

  /** @internal Reads the set's props, registers it with its cluster, reports, and adds its endpoints output: once per set. */
  protected _declareSet<P extends BrokerSetProps>(
    props: unknown,
    spec: BrokerSetSpec<P>,
  ): { props: Read<P>; raw: Record<string, unknown>; reader: PropsReader } {
    const cluster = RocketMqCluster.of(this);
    cluster._addMember(this);
    // Every prop is read (and refused when wrong) before anything uses it.
    const reader = new PropsReader(this.node.path);
    const read = readConstructProps(
      spec.schema,
      props,
      reader,
      { scope: this },
      {
        what: spec.what,
        required: true,
        example: spec.example,
      },
    );
    this._set = {
      cluster,
      brokerName: read.props.brokerName ?? this.node.id,
      properties: read.props.properties ?? {},
      unresolvedProperties: reader.unresolvedProperties.get("properties") ?? [],
    };
    invalidate(this);
    reportFindings(this, reader.findings);
    endpointsOutput(this, cluster.clusterName, this._set.brokerName);
    return { ...read, reader };
  }

  /**
   * @internal Reads one member's props (`raw`, as the user passed it) at the member's construct path `id` with the
   * member's schema. `missing`: the member itself is absent (the set reports it), so it is modelled and unplaced.
   */
  protected _readMember<M extends BrokerProps>(
    raw: unknown,
    id: string,
    what: string,
    schema: Schema<M>,
    missing = false,
  ): ReadMember<M> {
    const reader = new PropsReader(`${this.node.path}/${id}`);
    if (missing) return { props: {}, reader, missing };
    const o = reader.object(raw, what, true, "{ host }");
    return { props: readProps(schema, o, reader, { scope: this }), reader };
  }

  /** @internal Creates a member with the props already read and what the set decided about it. */
  protected _member(id: string, identity: BrokerIdentity, input: ReadMember<BrokerProps>): BrokerProcess {
    const broker = createBrokerProcess(this, id, identity, input);
    this._brokers.push(broker);
    return broker;
  }

  /** @internal What only this kind of set has in its model (kind, replication, dLegerGroup, allAckInSyncStateSet). */
  protected abstract _kindModel(): Omit<BrokerSetModel, "path" | "brokerName" | "members">;

  /** @internal */
  public _addToModel(parts: ClusterModelParts, cluster: RocketMqCluster): void {
    parts.brokerSets.push({
      path: this.node.path,
      brokerName: this.brokerName,
      ...this._kindModel(),
      members: this.membersModel(cluster),
    });
  }

  /**
   * The brokers' models: the cluster's broker JVM and properties, then the set's properties, then each broker's own
   * (the most specific wins). Inherited values remember where they were declared, so that a problem with one is
   * reported there, once.
   */
  private membersModel(cluster: RocketMqCluster): BrokerModel[] {
    const fromCluster = cluster._props.brokerProperties ?? {};
    const fromSet = this._set.properties;
    const declared: Record<string, Declared> = {};
    for (const key of Object.keys(fromCluster)) {
      declared[`properties.${key}`] = { path: cluster.node.path, prop: `brokerProperties.${key}` };
    }
    for (const key of Object.keys(fromSet))
      declared[`properties.${key}`] = { path: this.node.path, prop: `properties.${key}` };
    const inherited = {
      properties: { ...fromCluster, ...fromSet },
      declared,
      unresolved: [...cluster._unresolvedProperties.filter((k) => !(k in fromSet)), ...this._set.unresolvedProperties],
    };
    return this._brokers.map((b) => b._toModel(inherited));
  }
}

/**
 * The stack output `<set path>_endpoints` of a broker set: `brokerIP1:listenPort` of every member, `;`-joined in
 * member order, as clients and operators address the brokers (e.g. `mqadmin -b`). Read from the stack's model at
 * synth.
 */
function endpointsOutput(set: Construct, clusterName: string, brokerName: string): void {
  const path = set.node.path;
  const value = Lazy.stringValue({
    produce: () =>
      (brokerSetModelOf(set, path)?.members ?? []).map((m) => `${m.host.address}:${m.listenPort}`).join(";"),
  });
  new TerraformOutput(set, "endpoints", {
    value,
    description: `brokerIP1:listenPort of every broker of ${brokerName} (cluster ${clusterName}).`,
  }).overrideLogicalId(outputIdOf(set, "endpoints"));
}
