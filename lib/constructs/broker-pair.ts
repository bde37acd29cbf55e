import { Construct } from "constructs";
import { BrokerSetModel } from "../core/model";
import { DEFAULT_BROKER_PORT } from "../core/ports";
import { LITERAL } from "../input/reader";
import { Field, field, Schema } from "../input/schema";
import { BROKER_FIELDS, BrokerProcess, BrokerProps } from "./broker-process";
import { BROKER_SET_FIELDS, BrokerSet, BrokerSetProps, BrokerSetSpec } from "./broker-set";
import { containerNameOf } from "./common";
import { BrokerRole, FlushDiskType, Replication } from "./enums";

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
export interface BrokerPairProps extends BrokerSetProps {
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
}

const FLUSH_DISK_TYPE = field.oneOf([FlushDiskType.SYNC_FLUSH, FlushDiskType.ASYNC_FLUSH], "FlushDiskType");
const MASTER_SCHEMA: Schema<MasterProps> = { ...BROKER_FIELDS, flushDiskType: FLUSH_DISK_TYPE };
const SLAVE_SCHEMA: Schema<SlaveProps> = {
  ...BROKER_FIELDS,
  brokerId: field.integer(LITERAL.id, 1),
  flushDiskType: FLUSH_DISK_TYPE,
};

/** The master's props object, read at the master's own path by the pair (here only whether it is there). */
const MASTER_FIELD: Field<MasterProps> = { read: (_r, o, prop) => (o[prop] ?? undefined) as MasterProps | undefined };

const BROKER_PAIR: BrokerSetSpec<BrokerPairProps> = {
  what: "BrokerPair",
  example: "{ master: { host } }",
  schema: {
    ...BROKER_SET_FIELDS,
    replication: field.oneOf([Replication.SYNC, Replication.ASYNC], "Replication"),
    master: MASTER_FIELD,
    slaves: field.members("[{ host }]"),
  },
};

/**
 * One master and any number of slaves sharing a brokerName (RocketMQ's classic master/slave
 * set, as in the 2m-2s-sync and 2m-2s-async examples).
 */
export class BrokerPair extends BrokerSet {
  /** How the master replicates to its slaves. */
  public readonly replication: Replication;
  /** The master (brokerId 0). */
  public readonly master: BrokerProcess;
  /** The slaves, in declaration order (brokerId 1, 2, ... unless set). */
  public readonly slaves: BrokerProcess[];

  constructor(scope: Construct, id: string, props: BrokerPairProps) {
    super(scope, id);
    const { props: read, reader } = this._declareSet(props, BROKER_PAIR);
    this.replication = read.replication ?? Replication.ASYNC;
    const sync = this.replication === Replication.SYNC;
    if (read.master === undefined) {
      reader.required(
        `master is required: a BrokerPair is one master (brokerId 0) and its slaves.`,
        `Set master, e.g. master: { host: h1 }.`,
      );
    }
    const name = (brokerId: number) =>
      containerNameOf(this._set.cluster.clusterName, this.brokerName, String(brokerId));
    const master = this._readMember(
      read.master,
      "master",
      `master of BrokerPair ${id}`,
      MASTER_SCHEMA,
      read.master === undefined,
    );
    this.master = this._member(
      "master",
      {
        brokerId: 0,
        brokerRole: sync ? BrokerRole.SYNC_MASTER : BrokerRole.ASYNC_MASTER,
        flushDiskType: master.props.flushDiskType ?? (sync ? FlushDiskType.SYNC_FLUSH : FlushDiskType.ASYNC_FLUSH),
        listenPort: master.props.listenPort ?? this._set.cluster._defaultPort(DEFAULT_BROKER_PORT),
        containerName: master.props.containerName ?? name(0),
      },
      master,
    );
    // A loop, not map(): cdktf keeps the stack trace of each resource's construction, so every frame between
    // the user's code and a resource is memory held per resource.
    this.slaves = [];
    for (const [i, raw] of (read.slaves ?? []).entries()) {
      const slave = this._readMember(raw, `slave-${i + 1}`, `slaves[${i}] of BrokerPair ${id}`, SLAVE_SCHEMA);
      const brokerId = slave.props.brokerId ?? i + 1;
      this.slaves.push(
        this._member(
          `slave-${i + 1}`,
          {
            brokerId,
            brokerRole: BrokerRole.SLAVE,
            flushDiskType: slave.props.flushDiskType ?? FlushDiskType.ASYNC_FLUSH,
            listenPort: slave.props.listenPort ?? this._set.cluster._defaultPort(DEFAULT_BROKER_PORT + 1000 * brokerId),
            containerName: slave.props.containerName ?? name(brokerId),
          },
          slave,
        ),
      );
    }
  }

  /** @internal */
  protected _kindModel(): Omit<BrokerSetModel, "path" | "brokerName" | "members"> {
    return { kind: "pair", replication: this.replication === Replication.SYNC ? "SYNC" : "ASYNC" };
  }
}
