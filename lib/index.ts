export * from "./constructs/cluster";
export * from "./constructs/name-server";
export * from "./constructs/broker-pair";
export * from "./constructs/dledger-group";
export { BrokerProcess, BrokerProps } from "./constructs/broker-process";
export { JvmProps, StoreProps } from "./constructs/common";
export * from "./targets/docker/docker-host";
export { IRocketMqHost } from "./targets/host";
export * as core from "./core";
