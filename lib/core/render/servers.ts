/**
 * The properties file of each server, from the model. Only keys that RocketMQ reads
 * (shared/reference/rocketmq/keys); everything derived from other constructs (namesrvAddr,
 * dLegerPeers) is computed here, at synth time, so declaration order never matters.
 */
import {
  BrokerModel,
  BrokerSetModel,
  ClusterModel,
  controllerAddr,
  controllerDLegerPeers,
  ControllerModel,
  dLegerPeers,
  namesrvAddr,
  NameServerModel,
  PropertyValue,
  ProxyModel,
} from "../model";
import { acl2BrokerEntries, acl2ProxyEntries } from "./acl";
import { renderProperties } from "./properties";
import { proxyTlsEntries } from "./tls";

export const BROKER_CONFIG_PATH = "/home/rocketmq/conf/broker.properties";
export const NAMESRV_CONFIG_PATH = "/home/rocketmq/conf/namesrv.properties";
export const CONTROLLER_CONFIG_PATH = "/home/rocketmq/conf/controller.properties";
export const PROXY_CONFIG_PATH = "/home/rocketmq/conf/rmq-proxy.json";

/** ACL 2.0's keys that brokers and proxies share. */
const ACL2_OWNED: Readonly<Record<string, string>> = Object.fromEntries(
  [
    "authenticationEnabled",
    "authorizationEnabled",
    "authenticationProvider",
    "authenticationMetadataProvider",
    "authorizationProvider",
    "authorizationMetadataProvider",
    "innerClientAuthenticationCredentials",
  ].map((k) => [k, "RocketMqCluster accessControl (ACL 2.0, 5.3.0 and later)"]),
);

/** The keys the library writes for a broker, with the construct prop that sets each (for error messages). */
export const BROKER_OWNED_KEYS: Readonly<Record<string, string>> = {
  brokerClusterName: "RocketMqCluster clusterName",
  brokerName: "BrokerPair/DLedgerGroup brokerName",
  brokerId: "slave brokerId (master is always 0)",
  brokerRole: "BrokerPair replication",
  flushDiskType: "flushDiskType of the master/slave",
  namesrvAddr: "the cluster's NameServer constructs",
  listenPort: "listenPort of the broker",
  brokerIP1: "the DockerHost address",
  brokerIP2: "the DockerHost address",
  storePathRootDir: "the store of the broker (volume or hostPath)",
  storePathCommitLog: "the store of the broker (volume or hostPath)",
  enableDLegerCommitLog: "DLedgerGroup",
  dLegerGroup: "DLedgerGroup dLegerGroup",
  dLegerPeers: "DLedgerGroup peers",
  dLegerSelfId: "DLedgerGroup peer selfId",
  haListenPort: "haListenPort of the broker (RocketMQ 5.x only; 4.x always uses listenPort+1)",
  enableControllerMode:
    "ControllerBrokerSet (RocketMQ 5 exits when enableControllerMode and enableDLegerCommitLog are both true)",
  controllerAddr: "the cluster's ControllerGroup",
  allAckInSyncStateSet: "ControllerBrokerSet allAckInSyncStateSet",
  aclEnable: "RocketMqCluster accessControl (ACL 1.0 up to 5.3.2; on 5.3.3 and later aclEnable is read by nothing)",
  ...ACL2_OWNED,
  initAuthenticationUser: "RocketMqCluster accessControl (ACL 2.0, 5.3.0 and later)",
  migrateAuthFromV1Enabled: "RocketMqCluster accessControl (ACL 2.0, 5.3.0 and later)",
};

const CONTROLLER_KEYS: Readonly<Record<string, string>> = {
  controllerDLegerGroup: "ControllerGroup controllerDLegerGroup",
  controllerDLegerPeers: "ControllerGroup controllers / nameServers",
  controllerDLegerSelfId: "ControllerGroup selfId",
  controllerStorePath: "the store of the controller",
};

export const CONTROLLER_OWNED_KEYS: Readonly<Record<string, string>> = CONTROLLER_KEYS;

export const PROXY_OWNED_KEYS: Readonly<Record<string, string>> = {
  rocketMQClusterName: "RocketMqCluster clusterName",
  namesrvAddr: "the cluster's NameServer constructs",
  proxyMode: "Proxy (cluster mode)",
  remotingAccessAddr: "the DockerHost address",
  localServeAddr: "the DockerHost address",
  remotingListenPort: "Proxy remotingListenPort",
  grpcServerPort: "Proxy grpcServerPort",
  ...ACL2_OWNED,
  enableAclRpcHookForClusterMode:
    "RocketMqCluster accessControl (ACL 2.0: the proxy signs its requests to the brokers)",
};

export const NAMESRV_OWNED_KEYS: Readonly<Record<string, string>> = {
  ...CONTROLLER_KEYS,
  enableControllerInNamesrv: "ControllerGroup nameServers",
  listenPort: "NameServer listenPort",
  kvConfigPath: "the store of the name server",
  configStorePath: "the name server config file (RocketMQ overwrites it with the -c path)",
};

export function brokerEntries(cluster: ClusterModel, set: BrokerSetModel, broker: BrokerModel): Record<string, string> {
  const root = broker.store.mountPath;
  const e: Record<string, string> = {
    ...stringify(broker.extraProperties),
    brokerClusterName: cluster.clusterName,
    brokerName: set.brokerName,
    namesrvAddr: namesrvAddr(cluster),
    listenPort: String(broker.listenPort),
    brokerIP1: broker.host.address,
    brokerIP2: broker.host.address,
    storePathRootDir: root,
    // Written explicitly: in 4.7.0 the commit log does not follow storePathRootDir.
    storePathCommitLog: `${root}/commitlog`,
  };
  if (broker.haListenPort !== undefined) e.haListenPort = String(broker.haListenPort);
  if (cluster.accessControl?.version === "1.0") e.aclEnable = "true";
  if (cluster.accessControl?.version === "2.0") Object.assign(e, acl2BrokerEntries(cluster.accessControl));
  if (broker.dledger) {
    e.enableDLegerCommitLog = "true";
    e.dLegerGroup = set.dLegerGroup ?? set.brokerName;
    e.dLegerPeers = dLegerPeers(set);
    e.dLegerSelfId = broker.dledger.selfId;
  } else if (set.kind === "controller") {
    // As distribution/conf/controller/quick-start: the controller assigns ids and elects the master.
    e.brokerId = "-1";
    e.brokerRole = "SLAVE";
    e.enableControllerMode = "true";
    e.controllerAddr = controllerAddr(cluster);
    if (set.allAckInSyncStateSet !== undefined) e.allAckInSyncStateSet = String(set.allAckInSyncStateSet);
  } else {
    e.brokerId = String(broker.brokerId);
    e.brokerRole = broker.brokerRole!;
    e.flushDiskType = broker.flushDiskType!;
  }
  return e;
}

export function nameServerEntries(cluster: ClusterModel, ns: NameServerModel): Record<string, string> {
  const e: Record<string, string> = {
    ...stringify(ns.extraProperties),
    listenPort: String(ns.listenPort),
    kvConfigPath: `${ns.store.mountPath}/kvConfig.json`,
  };
  const group = cluster.controllerGroups.find((g) => g.embedded);
  if (ns.controller && group) {
    e.enableControllerInNamesrv = "true";
    Object.assign(e, controllerKeys(cluster, group, ns.controller.selfId, `${ns.store.mountPath}/controller`));
  }
  return e;
}

function controllerKeys(
  cluster: ClusterModel,
  group: ClusterModel["controllerGroups"][number],
  selfId: string,
  storePath: string,
): Record<string, string> {
  return {
    controllerDLegerGroup: group.controllerDLegerGroup,
    controllerDLegerPeers: controllerDLegerPeers(cluster, group),
    controllerDLegerSelfId: selfId,
    controllerStorePath: storePath,
  };
}

export function controllerEntries(cluster: ClusterModel, c: ControllerModel): Record<string, string> {
  const group = cluster.controllerGroups.find((g) => g.controllers.includes(c))!;
  return { ...stringify(c.extraProperties), ...controllerKeys(cluster, group, c.selfId, c.store.mountPath) };
}

export function renderControllerProperties(cluster: ClusterModel, c: ControllerModel): string {
  return renderProperties(header(cluster, c.path), controllerEntries(cluster, c));
}

/** rmq-proxy.json (bound by fastjson to ProxyConfig): keys sorted, numbers and booleans as JSON values. */
export function renderProxyConfig(cluster: ClusterModel, p: ProxyModel): string {
  const entries: Record<string, PropertyValue> = {
    ...p.extraProperties,
    rocketMQClusterName: cluster.clusterName,
    namesrvAddr: namesrvAddr(cluster),
    proxyMode: "CLUSTER",
    // Remoting route answers advertise remotingAccessAddr:remotingListenPort; the default is the
    // container's own address, which clients outside Docker cannot reach (like brokerIP1).
    remotingAccessAddr: p.host.address,
    localServeAddr: p.host.address,
    remotingListenPort: p.remotingListenPort,
    grpcServerPort: p.grpcServerPort,
    ...(cluster.accessControl?.version === "2.0" ? acl2ProxyEntries(cluster.accessControl) : {}),
    ...proxyTlsEntries(cluster.tls),
  };
  const sorted: Record<string, PropertyValue> = {};
  for (const k of Object.keys(entries).sort()) sorted[k] = entries[k];
  return JSON.stringify(sorted, null, 2) + "\n";
}

export function renderBrokerProperties(cluster: ClusterModel, set: BrokerSetModel, broker: BrokerModel): string {
  return renderProperties(header(cluster, broker.path), brokerEntries(cluster, set, broker));
}

export function renderNameServerProperties(cluster: ClusterModel, ns: NameServerModel): string {
  return renderProperties(header(cluster, ns.path), nameServerEntries(cluster, ns));
}

function header(cluster: ClusterModel, path: string): string[] {
  return [
    `Generated by rocketmq-cdktf for ${path} (RocketMQ ${cluster.version}).`,
    `Do not edit: change the construct and synthesize again.`,
  ];
}

function stringify(props: Readonly<Record<string, PropertyValue>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(props)) out[k] = String(v);
  return out;
}
