import { Construct } from "constructs";
import { BrokerModel, Declared, PropertyValue } from "../core/model";
import { DEFAULT_BROKER_PORT } from "../core/ports";
import { ProcessKind } from "../core/plan";
import { field, Schema } from "../input/schema";
import { BROKER_JVM } from "./common";
import { BrokerRole, FlushDiskType } from "./enums";
import { ProcessSpec, ReadMember, RocketMqProcess, STATEFUL_SERVER_FIELDS, StatefulServerProps } from "./process";

/** Where the official image keeps a broker's store (storePathRootDir). */
export const BROKER_STORE_PATH = "/home/rocketmq/store";

/** Settings common to every broker process. */
export interface BrokerProps extends StatefulServerProps {
  /**
   * listenPort. The broker also opens listenPort-2 (fast channel) and listenPort+1 (HA), so
   * brokers sharing a host need listen ports at least 4 apart.
   * @default 10911 for a master or DLedger peer, 10911 + 1000 × brokerId for a slave; plus the cluster's portOffset
   */
  readonly listenPort?: number;
  /**
   * haListenPort, RocketMQ 5.x only (4.x always uses listenPort+1).
   * @default listenPort + 1
   */
  readonly haListenPort?: number;
}

/** The fields of BrokerProps: each broker set's member schema starts from them. */
export const BROKER_FIELDS: Schema<BrokerProps> = {
  ...STATEFUL_SERVER_FIELDS,
  listenPort: field.port(DEFAULT_BROKER_PORT),
  haListenPort: field.port(DEFAULT_BROKER_PORT + 1),
};

const BROKER: ProcessSpec<BrokerProps> = {
  kind: ProcessKind.BROKER,
  what: "broker",
  schema: BROKER_FIELDS,
  storePath: BROKER_STORE_PATH,
  clusterMember: false,
};

/** A broker's place in its DLedger raft group. */
export interface DLedgerIdentity {
  /** dLegerSelfId. */
  readonly selfId: string;
  /** Its port in dLegerPeers. */
  readonly port: number;
}

/** What a broker set decides about one of its brokers. */
export interface BrokerIdentity {
  /** brokerId: 0 for a master, 1 or more for a slave; the raft index of a DLedger peer; -1 in controller mode. */
  readonly brokerId: number;
  /**
   * brokerRole of a master/slave set's broker.
   * @default none: the raft election or the controller decides
   */
  readonly brokerRole?: BrokerRole;
  /**
   * flushDiskType.
   * @default RocketMQ's default (ASYNC_FLUSH)
   */
  readonly flushDiskType?: FlushDiskType;
  /** listenPort. */
  readonly listenPort: number;
  /** Container (or unit) name on the host. */
  readonly containerName: string;
  /**
   * The broker's place in its DLedger raft group.
   * @default none: not a DLedger peer
   */
  readonly dledger?: DLedgerIdentity;
}

/** What a broker inherits from its cluster and its set: their properties, where each was declared, and their tokens. */
export interface InheritedProperties {
  readonly properties: Readonly<Record<string, PropertyValue>>;
  readonly declared: Readonly<Record<string, Declared>>;
  readonly unresolved: readonly string[];
}

/** The props a broker set already read for the BrokerProcess it is creating, by the identity it passes (see createBrokerProcess). */
const readBySet = new WeakMap<BrokerIdentity, ReadMember<BrokerProps>>();

/**
 * Creates a broker set's BrokerProcess with the props the set already read for it (each mistake is read and reported
 * once, by the broker): the public constructor stays `(scope, id, props, identity)`.
 */
export function createBrokerProcess(
  set: Construct,
  id: string,
  identity: BrokerIdentity,
  input: ReadMember<BrokerProps>,
): BrokerProcess {
  readBySet.set(identity, input);
  return new BrokerProcess(set, id, input.props as BrokerProps, identity);
}

/**
 * One broker process of a BrokerPair, DLedgerGroup or ControllerBrokerSet: its container on its host. Created by the
 * broker set; its construct path (`.../broker-a/master`, `.../broker-a/slave-1`, `.../broker-c/n0`) is what synth
 * errors name.
 */
export class BrokerProcess extends RocketMqProcess {
  /** What its set decided: brokerId, role, flushDiskType, listenPort, container name, DLedger place. */
  public readonly identity: BrokerIdentity;
  private readonly haListenPort?: number;

  constructor(scope: Construct, id: string, props: BrokerProps, identity: BrokerIdentity) {
    super(scope, id);
    this.identity = identity;
    const input = readBySet.get(identity);
    readBySet.delete(identity);
    const read = this._declare(props, { ...BROKER, defaultName: () => identity.containerName }, input);
    this.haListenPort = read.haListenPort;
  }

  /** @internal The broker's model: the cluster's and the set's properties below its own (the most specific wins). */
  public _toModel(inherited: InheritedProperties): BrokerModel {
    const server = this._serverModel(BROKER_JVM, "brokerJvm");
    const own = server.extraProperties;
    const overridden = (field: string) => field.startsWith("properties.") && field.slice("properties.".length) in own;
    const declared = Object.fromEntries(Object.entries(inherited.declared).filter(([field]) => !overridden(field)));
    return {
      ...server,
      store: this._declared.store!,
      extraProperties: { ...inherited.properties, ...own },
      declared: { ...declared, ...server.declared },
      unresolvedProperties: [
        ...new Set([...inherited.unresolved.filter((k) => !(k in own)), ...server.unresolvedProperties!]),
      ],
      brokerId: this.identity.brokerId,
      brokerRole: this.identity.brokerRole,
      flushDiskType: this.identity.flushDiskType,
      listenPort: this.identity.listenPort,
      dledger: this.identity.dledger,
      haListenPort: this.haListenPort,
    };
  }
}
