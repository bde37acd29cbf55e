// The construct layer: a cluster and its members.
export * from "./constructs/cluster";
export { AclPermission, AclVersion } from "./constructs/access-control";
export type { AccessControlProps, AclUserProps } from "./constructs/access-control";
export { TlsMode } from "./constructs/tls";
export type { TlsProps } from "./constructs/tls";
export { RocketMqProcess } from "./constructs/process";
export type { ProcessProps, ServerProps, StatefulServerProps } from "./constructs/process";
export * from "./constructs/name-server";
export { BrokerSet } from "./constructs/broker-set";
export type { BrokerSetProps } from "./constructs/broker-set";
export * from "./constructs/broker-pair";
export * from "./constructs/dledger-group";
export * from "./constructs/controller-group";
export * from "./constructs/controller";
export * from "./constructs/controller-broker-set";
export * from "./constructs/proxy";
export * from "./constructs/dashboard";
export { BrokerProcess, BROKER_STORE_PATH } from "./constructs/broker-process";
export type { BrokerIdentity, BrokerProps, DLedgerIdentity } from "./constructs/broker-process";
export * from "./constructs/enums";
export type { JvmProps } from "./constructs/common";
export { RocketMqVersion } from "./core/versions/rocketmq-version";
// The target contract, and what it hands a target (the process plan and its parts).
export { ProcessRequest } from "./targets/contract";
export type { HostOccupant, IRocketMqHost, PlacedProcess, StoreProps, StoreRequest } from "./targets/contract";
export { ProcessKind } from "./core/plan";
export type { PlanFile, ProcessPlan } from "./core/plan";
export type { HostModel, MachineFacts, RunAsModel, StoreModel } from "./core/model";
export type { PortUse } from "./core/ports";
// The targets.
export * from "./targets/docker/docker-host";
export * from "./targets/vm/vm-host";
export { VmJava, VmDistribution, APACHE_ARCHIVE, VM_JAVA_17_OPTIONS } from "./targets/vm/options";
export type { ApacheArchiveOptions } from "./targets/vm/options";
export type { HostTakenProps } from "./targets/host-props";
export { KubernetesAntiAffinity, KubernetesExternalAccess, KubernetesHost } from "./targets/kubernetes/kubernetes-host";
export { KubernetesApplier } from "./targets/kubernetes/appliers";
export type { KubernetesHostProps } from "./targets/kubernetes/kubernetes-host";
// Review and synthesis. The pure core (model, rules, rendering) is not part of the jsii API: TypeScript users import it
// from "rocketmq-cdktf/core".
export { topologyOf, TopologyReport } from "./synth/topology-file";
export * from "./synth/app";
