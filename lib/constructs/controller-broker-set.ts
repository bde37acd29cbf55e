import { Construct } from "constructs";
import { BrokerSetModel } from "../core/model";
import { DEFAULT_BROKER_PORT } from "../core/ports";
import { field } from "../input/schema";
import { BROKER_FIELDS, BrokerProcess, BrokerProps } from "./broker-process";
import { BROKER_SET_FIELDS, BrokerSet, BrokerSetProps, BrokerSetSpec } from "./broker-set";
import { containerNameOf } from "./common";
import { BrokerRole } from "./enums";

/** Props of a ControllerBrokerSet: replicas whose master the cluster's controllers elect. */
export interface ControllerBrokerSetProps extends BrokerSetProps {
  /**
   * The replicas (2 or more, on different hosts). The cluster's ControllerGroup assigns their
   * brokerId and elects the master; when it dies another replica of the sync state set takes over.
   */
  readonly brokers: BrokerProps[];
  /**
   * allAckInSyncStateSet: a send is acknowledged once every replica of the sync state set has it.
   * @default true (as RocketMQ's controller quick-start)
   */
  readonly allAckInSyncStateSet?: boolean;
}

const CONTROLLER_BROKER_SET: BrokerSetSpec<ControllerBrokerSetProps> = {
  what: "ControllerBrokerSet",
  example: "{ brokers: [{ host: h1 }, { host: h2 }] }",
  schema: {
    ...BROKER_SET_FIELDS,
    brokers: field.members("[{ host: h1 }, { host: h2 }]", true),
    allAckInSyncStateSet: field.boolean(),
  },
};

/**
 * A RocketMQ 5 broker set in controller mode (enableControllerMode): the brokers start as
 * `brokerId=-1`, `brokerRole=SLAVE`, and the cluster's ControllerGroup elects the master.
 * Each replica's construct path is `.../<id>/r0`, `.../<id>/r1`, ...
 */
export class ControllerBrokerSet extends BrokerSet {
  /** The replicas, in declaration order (r0, r1, ...). */
  public readonly brokers: BrokerProcess[];
  private readonly allAckInSyncStateSet: boolean;

  constructor(scope: Construct, id: string, props: ControllerBrokerSetProps) {
    super(scope, id);
    const { props: read } = this._declareSet(props, CONTROLLER_BROKER_SET);
    this.allAckInSyncStateSet = read.allAckInSyncStateSet ?? true;
    // A loop, not map(): cdktf keeps the stack trace of each resource's construction, so every frame between
    // the user's code and a resource is memory held per resource.
    this.brokers = [];
    for (const [i, raw] of (read.brokers ?? []).entries()) {
      const replica = this._readMember(raw, `r${i}`, `brokers[${i}] of ControllerBrokerSet ${id}`, BROKER_FIELDS);
      this.brokers.push(
        this._member(
          `r${i}`,
          {
            brokerId: -1,
            brokerRole: BrokerRole.SLAVE,
            listenPort: replica.props.listenPort ?? this._set.cluster._defaultPort(DEFAULT_BROKER_PORT),
            containerName:
              replica.props.containerName ?? containerNameOf(this._set.cluster.clusterName, this.brokerName, `r${i}`),
          },
          replica,
        ),
      );
    }
  }

  /** @internal */
  protected _kindModel(): Omit<BrokerSetModel, "path" | "brokerName" | "members"> {
    return { kind: "controller", allAckInSyncStateSet: this.allAckInSyncStateSet };
  }
}
