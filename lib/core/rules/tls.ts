import { error, Finding, warning } from "../findings";
import { ClusterModel, TopologyModel } from "../model";
import { compareVersions, parseVersion } from "../versions/catalogue";

/** rmq-proxy.json keys the library writes when the cluster has TLS. */
const PROXY_TLS_KEYS = ["tlsTestModeEnable", "tlsCertPath", "tlsKeyPath"];

/**
 * TLS that would not start or not protect: a mode that serves TLS without the cluster's certificate and key (the
 * servers would fail to build their TLS context), members that cannot check each other's certificate (a warning), a
 * 4.x DLedger group in enforcing mode (its raft client speaks plaintext: no member is ever elected), a proxy's own TLS
 * keys that the cluster's would override. Messages never show a key.
 */
export function checkTls(topology: TopologyModel): Finding[] {
  return topology.clusters.flatMap(checkCluster);
}

function checkCluster(cluster: ClusterModel): Finding[] {
  const tls = cluster.tls;
  if (!tls || tls.mode === "disabled") return [];
  const out: Finding[] = [];
  const at = cluster.path;
  const missing = [
    ...(tls.certificate ? [] : ["the certificate (tls.certificate or tls.certificateFile)"]),
    ...(tls.privateKey ? [] : ["its private key (tls.privateKey or tls.privateKeyFile)"]),
  ];
  if (missing.length > 0) {
    out.push(
      error(
        at,
        "tls/certificate",
        `tls.mode is ${tls.mode} but ${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} missing: the library turns RocketMQ's test mode off (a self-signed certificate made at start, which clients accept unchecked), so the servers would have no certificate to serve.`,
        `Give the cluster's certificate and key, e.g. tls: { mode: TlsMode.${tls.mode.toUpperCase()}, certificate, privateKey: tlsKey.stringValue, trustCertificate }, or set mode: TlsMode.DISABLED.`,
      ),
    );
  }
  if (!tls.trustCertificate) {
    out.push(
      warning(
        at,
        "tls/no-trust",
        `tls has no trustCertificate: the members (a broker registering with its name servers, a slave copying its master's metadata, a proxy) accept any certificate from each other, so a machine in the middle could read their traffic.`,
        `Add tls.trustCertificate (or tls.trustCertificateFile): the CA certificate that signed the cluster's certificate.`,
      ),
    );
  }
  if (tls.mode === "enforcing" && parseVersion(cluster.version) && compareVersions(cluster.version, "5.0.0") < 0) {
    for (const set of cluster.brokerSets.filter((s) => s.kind === "dledger")) {
      out.push(
        error(
          set.path,
          "tls/dledger-raft",
          `DLedger group ${set.brokerName} runs RocketMQ ${cluster.version} with tls.mode enforcing: in 4.x the DLedger raft client always speaks plaintext (DLedger makes its own NettyClientConfig, whose useTLS is false in 4.x), the enforcing raft servers close its connections, and no member is ever elected master.`,
          `Set tls.mode: TlsMode.PERMISSIVE for this cluster (the members still speak TLS to the name servers, the raft votes and copies stay plaintext), or run RocketMQ 5.x, whose raft client follows -Dtls.enable.`,
        ),
      );
    }
  }
  for (const p of cluster.proxies) {
    const keys = Object.keys(p.extraProperties).filter((k) => PROXY_TLS_KEYS.includes(k));
    if (keys.length > 0)
      out.push(
        error(
          p.path,
          "tls/proxy-keys",
          `the proxy sets ${keys.join(", ")} in its properties, which the cluster's tls writes into rmq-proxy.json (the cluster's certificate and key, test mode off).`,
          `Remove ${keys.join(", ")} from the proxy's properties: the cluster's tls prop sets them.`,
        ),
      );
  }
  return out;
}
