import { Construct } from "constructs";
import { BrokerSetModel, FlushDiskType, PropertyValue, Replication } from "../core/model";
import { DEFAULT_BROKER_PORT } from "../core/ports";
import { BrokerProcess, BrokerProps, brokerSetEndpointsOutput, membersModel } from "./broker-process";
import { RocketMqCluster } from "./cluster";
import { containerNameOf } from "./common";
import { reportFindings } from "../synth/report";
import { invalidate } from "../synth/analysis";

/** The master of a BrokerPair. */
export interface MasterProps extends BrokerProps {
  /**
   * flushDiskType of the master.
   * @default SYNC_FLUSH with SYNC replication, ASYNC_FLUSH with ASYNC replication
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
   * @default ASYNC_FLUSH
   */
  readonly flushDiskType?: FlushDiskType;
}

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
   * @default "ASYNC"
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
  public readonly brokerName: string;
  public readonly replication: Replication;
  public readonly master: BrokerProcess;
  public readonly slaves: BrokerProcess[];
  private readonly props: BrokerPairProps;

  constructor(scope: Construct, id: string, props: BrokerPairProps) {
    super(scope, id);
    const cluster = RocketMqCluster.of(this);
    cluster._addMember(this);
    this.props = props;
    this.brokerName = props.brokerName ?? id;
    this.replication = props.replication ?? "ASYNC";
    invalidate(this);
    reportFindings(this);
    brokerSetEndpointsOutput(this, cluster, this.brokerName);
    const name = (brokerId: number) => containerNameOf(cluster.clusterName, this.brokerName, String(brokerId));
    this.master = new BrokerProcess(this, "master", props.master, {
      brokerId: 0,
      brokerRole: this.replication === "SYNC" ? "SYNC_MASTER" : "ASYNC_MASTER",
      flushDiskType: props.master.flushDiskType ?? (this.replication === "SYNC" ? "SYNC_FLUSH" : "ASYNC_FLUSH"),
      listenPort: props.master.listenPort ?? DEFAULT_BROKER_PORT,
      containerName: props.master.containerName ?? name(0),
    });
    // A loop, not map(): cdktf keeps the stack trace of each resource's construction, so every frame between
    // the user's code and a resource is memory held per resource.
    this.slaves = [];
    for (const [i, s] of (props.slaves ?? []).entries()) {
      const brokerId = s.brokerId ?? i + 1;
      this.slaves.push(
        new BrokerProcess(this, `slave-${i + 1}`, s, {
          brokerId,
          brokerRole: "SLAVE",
          flushDiskType: s.flushDiskType ?? "ASYNC_FLUSH",
          listenPort: s.listenPort ?? DEFAULT_BROKER_PORT + 1000 * brokerId,
          containerName: s.containerName ?? name(brokerId),
        }),
      );
    }
  }

  /** @internal */
  public _toModel(cluster: RocketMqCluster): BrokerSetModel {
    const members = membersModel(cluster, this.props.properties, [this.master, ...this.slaves]);
    return { path: this.node.path, brokerName: this.brokerName, kind: "pair", replication: this.replication, members };
  }
}
