import { Construct } from "constructs";
import { BrokerSetModel, PropertyValue } from "../core/model";
import { BrokerRole, FlushDiskType, Replication } from "./enums";
import { DEFAULT_BROKER_PORT } from "../core/ports";
import {
  BrokerProcess,
  BrokerProps,
  brokerSetEndpointsOutput,
  createBrokerProcess,
  membersModel,
  missingBroker,
  readBrokerProps,
} from "./broker-process";
import { RocketMqCluster } from "./cluster";
import { containerNameOf } from "./common";
import { reportFindings } from "../synth/report";
import { invalidate } from "../synth/analysis";
import { LITERAL, PropsReader } from "../synth/input";

const REPLICATIONS: readonly Replication[] = [Replication.SYNC, Replication.ASYNC];
const FLUSH_DISK_TYPES: readonly FlushDiskType[] = [FlushDiskType.SYNC_FLUSH, FlushDiskType.ASYNC_FLUSH];

/** The master of a BrokerPair. */
export interface MasterProps extends BrokerProps {
  /**
   * flushDiskType of the master.
   * @default FlushDiskType.SYNC_FLUSH with SYNC replication, FlushDiskType.ASYNC_FLUSH with ASYNC replication
   */
  readonly flushDiskType?: FlushDiskType;
}

/** A slave of a BrokerPair. */
export interface SlaveProps extends BrokerProps {
  /**
   * brokerId of the slave, 1 or more, unique in the set.
   * @default its position among the slaves, from 1
   */
  readonly brokerId?: number;
  /**
   * flushDiskType of the slave.
   * @default FlushDiskType.ASYNC_FLUSH
   */
  readonly flushDiskType?: FlushDiskType;
}

/** Props of a BrokerPair: a master and its slaves. */
export interface BrokerPairProps {
  /**
   * brokerName shared by the master and its slaves.
   * @default the construct id
   */
  readonly brokerName?: string;
  /**
   * SYNC: the master (SYNC_MASTER) acknowledges a send once a slave has it; needs a slave.
   * ASYNC: the master (ASYNC_MASTER) replicates in the background.
   * There is no automatic failover in either: when the master dies its slaves serve reads only
   * (use DLedgerGroup for failover).
   * @default Replication.ASYNC
   */
  readonly replication?: Replication;
  /** The master (brokerId 0). */
  readonly master: MasterProps;
  /** The slaves (brokerRole SLAVE, brokerId 1, 2, ...). @default none */
  readonly slaves?: SlaveProps[];
  /** Extra broker.properties settings for every broker of the set. @default none */
  readonly properties?: Readonly<Record<string, PropertyValue>>;
}

/**
 * One master and any number of slaves sharing a brokerName (RocketMQ's classic master/slave
 * set, as in the 2m-2s-sync and 2m-2s-async examples).
 */
export class BrokerPair extends Construct {
  /** @internal */
  public readonly _kind = "brokerSet";
  /** brokerName shared by the master and its slaves. */
  public readonly brokerName: string;
  /** How the master replicates to its slaves. */
  public readonly replication: Replication;
  /** The master (brokerId 0). */
  public readonly master: BrokerProcess;
  /** The slaves, in declaration order (brokerId 1, 2, ... unless set). */
  public readonly slaves: BrokerProcess[];
  private readonly properties: Readonly<Record<string, PropertyValue>>;
  private readonly unresolvedProperties: readonly string[];

  constructor(scope: Construct, id: string, props: BrokerPairProps) {
    super(scope, id);
    const cluster = RocketMqCluster.of(this);
    cluster._addMember(this);
    // Every prop is read (and refused when wrong) before anything uses it.
    const r = new PropsReader(this.node.path);
    const o = r.object(props, `BrokerPair ${id}`, true, "{ master: { host } }");
    r.known(o, ["brokerName", "replication", "master", "slaves", "properties"]);
    this.brokerName = r.string(o, "brokerName", { literal: LITERAL.name, example: '"broker-a"' }) ?? id;
    this.replication = r.oneOf(o, "replication", REPLICATIONS, "Replication") ?? Replication.ASYNC;
    const properties = r.properties(o, "properties");
    this.properties = properties.values;
    this.unresolvedProperties = properties.unresolved;
    const noMaster = o.master === undefined || o.master === null;
    if (noMaster)
      r.required(
        `master is required: a BrokerPair is one master (brokerId 0) and its slaves.`,
        `Set master, e.g. master: { host: h1 }.`,
      );
    const slaves = r.array(o, "slaves", { example: "[{ host }]" });
    invalidate(this);
    reportFindings(this, r.findings);
    brokerSetEndpointsOutput(this, cluster, this.brokerName);
    const name = (brokerId: number) => containerNameOf(cluster.clusterName, this.brokerName, String(brokerId));
    const flushOf = (m: ReturnType<typeof readBrokerProps>) =>
      m.reader.oneOf(m.raw, "flushDiskType", FLUSH_DISK_TYPES, "FlushDiskType");
    const master = noMaster
      ? missingBroker(`${this.node.path}/master`)
      : readBrokerProps(o.master, `${this.node.path}/master`, `master of BrokerPair ${id}`, this, ["flushDiskType"]);
    this.master = createBrokerProcess(
      this,
      "master",
      master.props as BrokerProps,
      {
        brokerId: 0,
        brokerRole: this.replication === Replication.SYNC ? BrokerRole.SYNC_MASTER : BrokerRole.ASYNC_MASTER,
        flushDiskType:
          flushOf(master) ??
          (this.replication === Replication.SYNC ? FlushDiskType.SYNC_FLUSH : FlushDiskType.ASYNC_FLUSH),
        listenPort: master.props.listenPort ?? DEFAULT_BROKER_PORT,
        containerName: master.props.containerName ?? name(0),
      },
      master,
    );
    // A loop, not map(): cdktf keeps the stack trace of each resource's construction, so every frame between
    // the user's code and a resource is memory held per resource.
    this.slaves = [];
    for (const [i, raw] of slaves.entries()) {
      const slave = readBrokerProps(raw, `${this.node.path}/slave-${i + 1}`, `slaves[${i}] of BrokerPair ${id}`, this, [
        "brokerId",
        "flushDiskType",
      ]);
      const brokerId = slave.reader.integer(slave.raw, "brokerId", { literal: LITERAL.id, example: i + 1 }) ?? i + 1;
      this.slaves.push(
        createBrokerProcess(
          this,
          `slave-${i + 1}`,
          slave.props as BrokerProps,
          {
            brokerId,
            brokerRole: BrokerRole.SLAVE,
            flushDiskType: flushOf(slave) ?? FlushDiskType.ASYNC_FLUSH,
            listenPort: slave.props.listenPort ?? DEFAULT_BROKER_PORT + 1000 * brokerId,
            containerName: slave.props.containerName ?? name(brokerId),
          },
          slave,
        ),
      );
    }
  }

  /** @internal */
  public _toModel(cluster: RocketMqCluster): BrokerSetModel {
    const members = membersModel(
      cluster,
      this.properties,
      [this.master, ...this.slaves],
      this.node.path,
      this.unresolvedProperties,
    );
    return {
      path: this.node.path,
      brokerName: this.brokerName,
      kind: "pair",
      replication: this.replication === Replication.SYNC ? "SYNC" : "ASYNC",
      members,
    };
  }
}
