import { Construct } from "constructs";
import { BrokerSetModel, PropertyValue } from "../core/model";
import { DEFAULT_BROKER_PORT, DEFAULT_DLEDGER_PORT } from "../core/ports";
import { BrokerProcess, BrokerProps, brokerSetEndpointsOutput, membersModel } from "./broker-process";
import { RocketMqCluster } from "./cluster";
import { containerNameOf, memberIds } from "./common";
import { reportFindings } from "../synth/report";
import { invalidate } from "../synth/analysis";

/** One member of a DLedger raft group. */
export interface DLedgerPeerProps extends BrokerProps {
  /**
   * dLegerSelfId: a letter followed by a number, unique in the group.
   * @default `n<index>` (n0, n1, ...)
   */
  readonly selfId?: string;
  /**
   * Port of this peer in dLegerPeers (raft traffic).
   * @default 40911 + index (40911, 40912, ...)
   */
  readonly dLegerPort?: number;
}

export interface DLedgerGroupProps {
  /**
   * brokerName shared by every peer.
   * @default the construct id
   */
  readonly brokerName?: string;
  /**
   * dLegerGroup of every peer.
   * @default the brokerName (as RocketMQ's deployment guide advises)
   */
  readonly dLegerGroup?: string;
  /**
   * The raft peers, 3 or more (an odd count), each on its own host. The raft election picks the
   * master; when it dies another peer becomes master within seconds.
   */
  readonly peers: DLedgerPeerProps[];
  /** Extra broker.properties settings for every peer. @default none */
  readonly properties?: Readonly<Record<string, PropertyValue>>;
}

/**
 * A broker set whose commit log is a DLedger raft group (enableDLegerCommitLog): automatic
 * failover. Every peer gets the same dLegerPeers string and its own dLegerSelfId.
 */
export class DLedgerGroup extends Construct {
  /** @internal */
  public readonly _kind = "brokerSet";
  public readonly brokerName: string;
  public readonly peers: BrokerProcess[];
  private readonly props: DLedgerGroupProps;

  constructor(scope: Construct, id: string, props: DLedgerGroupProps) {
    super(scope, id);
    const cluster = RocketMqCluster.of(this);
    cluster._addMember(this);
    this.props = props;
    this.brokerName = props.brokerName ?? id;
    invalidate(this);
    reportFindings(this);
    brokerSetEndpointsOutput(this, cluster, this.brokerName);
    const selfIds = props.peers.map((p, i) => p.selfId ?? `n${i}`);
    const ids = memberIds(selfIds, "peer");
    // A loop, not map(): cdktf keeps the stack trace of each resource's construction, so every frame between
    // the user's code and a resource is memory held per resource.
    this.peers = [];
    for (const [i, p] of props.peers.entries()) {
      const selfId = selfIds[i];
      this.peers.push(
        new BrokerProcess(this, ids[i], p, {
          brokerId: i,
          listenPort: p.listenPort ?? DEFAULT_BROKER_PORT,
          containerName: p.containerName ?? containerNameOf(cluster.clusterName, this.brokerName, selfId),
          dledger: { selfId, port: p.dLegerPort ?? DEFAULT_DLEDGER_PORT + i },
        }),
      );
    }
  }

  /** @internal */
  public _toModel(cluster: RocketMqCluster): BrokerSetModel {
    const members = membersModel(cluster, this.props.properties, this.peers);
    return { path: this.node.path, brokerName: this.brokerName, kind: "dledger", dLegerGroup: this.props.dLegerGroup ?? this.brokerName, members };
  }
}
