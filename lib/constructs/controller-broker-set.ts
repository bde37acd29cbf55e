import { Construct } from "constructs";
import { BrokerSetModel, PropertyValue } from "../core/model";
import { DEFAULT_BROKER_PORT } from "../core/ports";
import {
  BrokerProcess,
  BrokerProps,
  brokerSetEndpointsOutput,
  membersModel,
  readBrokerProps,
  createBrokerProcess,
} from "./broker-process";
import { RocketMqCluster } from "./cluster";
import { BrokerRole } from "./enums";
import { containerNameOf } from "./common";
import { reportFindings } from "../synth/report";
import { invalidate } from "../synth/analysis";
import { LITERAL, PropsReader } from "../synth/input";

/** Props of a ControllerBrokerSet: replicas whose master the cluster's controllers elect. */
export interface ControllerBrokerSetProps {
  /**
   * brokerName shared by every replica.
   * @default the construct id
   */
  readonly brokerName?: string;
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
  /** Extra broker.properties settings for every replica. @default none */
  readonly properties?: Readonly<Record<string, PropertyValue>>;
}

/**
 * A RocketMQ 5 broker set in controller mode (enableControllerMode): the brokers start as
 * `brokerId=-1`, `brokerRole=SLAVE`, and the cluster's ControllerGroup elects the master.
 * Each replica's construct path is `.../<id>/r0`, `.../<id>/r1`, ...
 */
export class ControllerBrokerSet extends Construct {
  /** @internal */
  public readonly _kind = "brokerSet";
  /** brokerName shared by every replica. */
  public readonly brokerName: string;
  /** The replicas, in declaration order (r0, r1, ...). */
  public readonly brokers: BrokerProcess[];
  private readonly allAckInSyncStateSet: boolean;
  private readonly properties: Readonly<Record<string, PropertyValue>>;
  private readonly unresolvedProperties: readonly string[];

  constructor(scope: Construct, id: string, props: ControllerBrokerSetProps) {
    super(scope, id);
    const cluster = RocketMqCluster.of(this);
    cluster._addMember(this);
    // Every prop is read (and refused when wrong) before anything uses it.
    const r = new PropsReader(this.node.path);
    const o = r.object(props, `ControllerBrokerSet ${id}`, true, "{ brokers: [{ host: h1 }, { host: h2 }] }");
    r.known(o, ["brokerName", "brokers", "allAckInSyncStateSet", "properties"]);
    this.brokerName = r.string(o, "brokerName", { literal: LITERAL.name, example: '"broker-a"' }) ?? id;
    this.allAckInSyncStateSet = r.boolean(o, "allAckInSyncStateSet") ?? true;
    const properties = r.properties(o, "properties");
    this.properties = properties.values;
    this.unresolvedProperties = properties.unresolved;
    const brokers = r.array(o, "brokers", { required: true, example: "[{ host: h1 }, { host: h2 }]" });
    invalidate(this);
    reportFindings(this, r.findings);
    brokerSetEndpointsOutput(this, cluster, this.brokerName);
    // A loop, not map(): cdktf keeps the stack trace of each resource's construction, so every frame between
    // the user's code and a resource is memory held per resource.
    this.brokers = [];
    for (const [i, raw] of brokers.entries()) {
      const b = readBrokerProps(raw, `${this.node.path}/r${i}`, `brokers[${i}] of ControllerBrokerSet ${id}`, this, []);
      this.brokers.push(
        createBrokerProcess(
          this,
          `r${i}`,
          b.props as BrokerProps,
          {
            brokerId: -1,
            brokerRole: BrokerRole.SLAVE,
            listenPort: b.props.listenPort ?? DEFAULT_BROKER_PORT,
            containerName: b.props.containerName ?? containerNameOf(cluster.clusterName, this.brokerName, `r${i}`),
          },
          b,
        ),
      );
    }
  }

  /** @internal */
  public _toModel(cluster: RocketMqCluster): BrokerSetModel {
    const members = membersModel(cluster, this.properties, this.brokers, this.node.path, this.unresolvedProperties);
    return {
      path: this.node.path,
      brokerName: this.brokerName,
      kind: "controller",
      allAckInSyncStateSet: this.allAckInSyncStateSet,
      members,
    };
  }
}
