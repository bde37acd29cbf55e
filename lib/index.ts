export * from "./constructs/cluster";
export * from "./constructs/name-server";
export * from "./constructs/broker-pair";
export * from "./constructs/dledger-group";
export * from "./constructs/controller-group";
export * from "./constructs/controller-broker-set";
export * from "./constructs/proxy";
export * from "./constructs/dashboard";
export { BrokerProcess } from "./constructs/broker-process";
export type { BrokerIdentity, BrokerProps, DLedgerIdentity } from "./constructs/broker-process";
export * from "./constructs/enums";
export type { JvmProps, StoreProps } from "./constructs/common";
export * from "./targets/docker/docker-host";
export type { IRocketMqHost } from "./targets/host";
// The pure core (model, rules, rendering) is not part of the jsii API: TypeScript users import it from "rocketmq-cdktf/core".
export { topologyOf, TopologyReport } from "./synth/topology-file";
export * from "./synth/app";
