import { Construct } from "constructs";
import { BrokerSetModel } from "../core/model";
import { DEFAULT_BROKER_PORT, DEFAULT_DLEDGER_PORT } from "../core/ports";
import { isToken } from "../input/reader";
import { field, Schema } from "../input/schema";
import { BROKER_FIELDS, BrokerProcess, BrokerProps } from "./broker-process";
import { BROKER_SET_FIELDS, BrokerSet, BrokerSetProps, BrokerSetSpec } from "./broker-set";
import { containerNameOf, memberIds } from "./common";

/** One member of a DLedger raft group. */
export interface DLedgerPeerProps extends BrokerProps {
  /**
   * dLegerSelfId: a letter followed by a number, unique in the group.
   * @default `n<index>` (n0, n1, ...)
   */
  readonly selfId?: string;
  /**
   * Port of this peer in dLegerPeers (raft traffic).
   * @default 40911 + index (40911, 40912, ...), plus the cluster's portOffset
   */
  readonly dLegerPort?: number;
}

/** Props of a DLedgerGroup: a raft group of 3 or more brokers. */
export interface DLedgerGroupProps extends BrokerSetProps {
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
}

const PEER_SCHEMA: Schema<DLedgerPeerProps> = {
  ...BROKER_FIELDS,
  selfId: field.id("n0"),
  dLegerPort: field.port(DEFAULT_DLEDGER_PORT),
};

const DLEDGER_GROUP: BrokerSetSpec<DLedgerGroupProps> = {
  what: "DLedgerGroup",
  example: "{ peers: [{ host: h1 }, { host: h2 }, { host: h3 }] }",
  schema: {
    ...BROKER_SET_FIELDS,
    dLegerGroup: field.id("broker-c"),
    peers: field.members("[{ host: h1 }, { host: h2 }, { host: h3 }]", true),
  },
};

/** The selfId a peer's props give (for its construct id), without reporting: the peer's own reading reports it. */
function selfIdOf(raw: unknown, index: number): string {
  const selfId = (raw as { selfId?: unknown } | null | undefined)?.selfId;
  return typeof selfId === "string" && !isToken(selfId) ? selfId : `n${index}`;
}

/**
 * A broker set whose commit log is a DLedger raft group (enableDLegerCommitLog): automatic
 * failover. Every peer gets the same dLegerPeers string and its own dLegerSelfId.
 */
export class DLedgerGroup extends BrokerSet {
  /** The raft peers, in declaration order. */
  public readonly peers: BrokerProcess[];
  private readonly dLegerGroup: string;

  constructor(scope: Construct, id: string, props: DLedgerGroupProps) {
    super(scope, id);
    const { props: read } = this._declareSet(props, DLEDGER_GROUP);
    this.dLegerGroup = read.dLegerGroup ?? this.brokerName;
    // A peer's construct id is its selfId: the selfIds first, then each peer at its path.
    const peers = read.peers ?? [];
    const ids = memberIds(
      peers.map((raw, i) => selfIdOf(raw, i)),
      "peer",
    );
    // A loop, not map(): cdktf keeps the stack trace of each resource's construction, so every frame between
    // the user's code and a resource is memory held per resource.
    this.peers = [];
    for (const [i, raw] of peers.entries()) {
      const peer = this._readMember(raw, ids[i], `peers[${i}] of DLedgerGroup ${id}`, PEER_SCHEMA);
      const selfId = peer.props.selfId ?? `n${i}`;
      this.peers.push(
        this._member(
          ids[i],
          {
            brokerId: i,
            listenPort: peer.props.listenPort ?? this._set.cluster._defaultPort(DEFAULT_BROKER_PORT),
            containerName:
              peer.props.containerName ?? containerNameOf(this._set.cluster.clusterName, this.brokerName, selfId),
            dledger: {
              selfId,
              port: peer.props.dLegerPort ?? this._set.cluster._defaultPort(DEFAULT_DLEDGER_PORT + i),
            },
          },
          peer,
        ),
      );
    }
  }

  /** @internal */
  protected _kindModel(): Omit<BrokerSetModel, "path" | "brokerName" | "members"> {
    return { kind: "dledger", dLegerGroup: this.dLegerGroup };
  }
}
