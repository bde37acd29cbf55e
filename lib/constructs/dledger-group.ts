import { Construct } from "constructs";
import { BrokerSetModel, PropertyValue } from "../core/model";
import { DEFAULT_BROKER_PORT, DEFAULT_DLEDGER_PORT } from "../core/ports";
import {
  BrokerProcess,
  BrokerProps,
  brokerSetEndpointsOutput,
  membersModel,
  readBrokerProps,
  createBrokerProcess,
} from "./broker-process";
import { RocketMqCluster } from "./cluster";
import { containerNameOf, memberIds } from "./common";
import { reportFindings } from "../synth/report";
import { invalidate } from "../synth/analysis";
import { isPlainObject, LITERAL, PropsReader } from "../synth/input";

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

/** Props of a DLedgerGroup: a raft group of 3 or more brokers. */
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
  /** brokerName shared by every peer. */
  public readonly brokerName: string;
  /** The raft peers, in declaration order. */
  public readonly peers: BrokerProcess[];
  private readonly dLegerGroup: string;
  private readonly properties: Readonly<Record<string, PropertyValue>>;
  private readonly unresolvedProperties: readonly string[];

  constructor(scope: Construct, id: string, props: DLedgerGroupProps) {
    super(scope, id);
    const cluster = RocketMqCluster.of(this);
    cluster._addMember(this);
    // Every prop is read (and refused when wrong) before anything uses it.
    const r = new PropsReader(this.node.path);
    const o = r.object(props, `DLedgerGroup ${id}`, true, "{ peers: [{ host: h1 }, { host: h2 }, { host: h3 }] }");
    r.known(o, ["brokerName", "dLegerGroup", "peers", "properties"]);
    this.brokerName = r.string(o, "brokerName", { literal: LITERAL.name, example: '"broker-c"' }) ?? id;
    this.dLegerGroup =
      r.string(o, "dLegerGroup", { literal: LITERAL.id, example: `"${this.brokerName}"` }) ?? this.brokerName;
    const properties = r.properties(o, "properties");
    this.properties = properties.values;
    this.unresolvedProperties = properties.unresolved;
    const peers = r.array(o, "peers", { required: true, example: "[{ host: h1 }, { host: h2 }, { host: h3 }]" });
    invalidate(this);
    reportFindings(this, r.findings);
    brokerSetEndpointsOutput(this, cluster, this.brokerName);
    // A peer's construct id is its selfId: read the selfIds first, then each peer at its path.
    const pre = peers.map((raw, i) => {
      const p = new PropsReader("");
      return {
        p,
        selfId:
          (isPlainObject(raw) ? p.string(raw, "selfId", { literal: LITERAL.id, example: `"n${i}"` }) : undefined) ??
          `n${i}`,
      };
    });
    const ids = memberIds(
      pre.map((x) => x.selfId),
      "peer",
    );
    // A loop, not map(): cdktf keeps the stack trace of each resource's construction, so every frame between
    // the user's code and a resource is memory held per resource.
    this.peers = [];
    for (const [i, raw] of peers.entries()) {
      const selfId = pre[i].selfId;
      const peer = readBrokerProps(raw, `${this.node.path}/${ids[i]}`, `peers[${i}] of DLedgerGroup ${id}`, this, [
        "selfId",
        "dLegerPort",
      ]);
      peer.reader.findings.push(...pre[i].p.findings.map((f) => ({ ...f, path: peer.reader.path })));
      const dLegerPort = peer.reader.integer(peer.raw, "dLegerPort", {
        literal: LITERAL.port,
        example: DEFAULT_DLEDGER_PORT + i,
      });
      this.peers.push(
        createBrokerProcess(
          this,
          ids[i],
          peer.props as BrokerProps,
          {
            brokerId: i,
            listenPort: peer.props.listenPort ?? DEFAULT_BROKER_PORT,
            containerName: peer.props.containerName ?? containerNameOf(cluster.clusterName, this.brokerName, selfId),
            dledger: { selfId, port: dLegerPort ?? DEFAULT_DLEDGER_PORT + i },
          },
          peer,
        ),
      );
    }
  }

  /** @internal */
  public _toModel(cluster: RocketMqCluster): BrokerSetModel {
    const members = membersModel(cluster, this.properties, this.peers, this.node.path, this.unresolvedProperties);
    return {
      path: this.node.path,
      brokerName: this.brokerName,
      kind: "dledger",
      dLegerGroup: this.dLegerGroup,
      members,
    };
  }
}
