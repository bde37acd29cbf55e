/**
 * TLS in transit, from the model (RocketMQ's TlsSystemConfig and TlsHelper, identical in 4.9.7 and 5.x; see
 * shared-notes/acl-tls-research.md section 5 and observed.md "TLS"):
 * - `tls.server.mode`, `tls.enable` and `tls.config.file` are read as JVM system properties only (a line in
 *   broker.properties is ignored), so they go into `JAVA_OPT_EXT`;
 * - every other `tls.*` key is read from the file `tls.config.file` names, which wins over a `-D` of the same key: the
 *   library writes its own file and points every server at it, so a stray `/etc/rocketmq/tls.properties` (the
 *   default) is never read;
 * - `tls.enable=true` makes a server's own clients (a broker registering with the name servers, a slave copying its
 *   master's metadata, a 5.x name server or controller calling brokers, a proxy) dial over TLS, in permissive mode
 *   too; enforcing mode alone would do it for brokers only;
 * - test mode (`tls.test.mode.enable`, on by default: a self-signed certificate made at start, clients that trust any
 *   server) is turned off: the cluster's certificate is used.
 * The proxy's gRPC port reads its own keys from rmq-proxy.json (`tlsTestModeEnable`, `tlsCertPath`, `tlsKeyPath`);
 * the console takes `rocketmq.config.useTLS`.
 */
import { PropertyValue, TlsMaterialModel, TlsModel } from "../model";
import { renderProperties } from "./properties";

/** Where the TLS files are uploaded, beside the other configuration files of the official image's user. */
export const TLS_DIR = "/home/rocketmq/conf/tls";
export const TLS_CONFIG_PATH = `${TLS_DIR}/tls.properties`;
export const TLS_CERTIFICATE_PATH = `${TLS_DIR}/server.crt`;
export const TLS_PRIVATE_KEY_PATH = `${TLS_DIR}/server.key`;
export const TLS_TRUST_PATH = `${TLS_DIR}/ca.crt`;
/** The system property that names the TLS file (absolute; RocketMQ's default is /etc/rocketmq/tls.properties). */
export const TLS_CONFIG_PROPERTY = "tls.config.file";

/** A file of the TLS configuration, in the shape of a plan's file (`PlanFile`, lib/core/plan.ts). */
export interface TlsFile {
  readonly path: string;
  readonly content: string;
  readonly yamlScalar?: string;
  readonly absoluteProperty?: string;
  readonly mentions?: string[];
  readonly secret?: boolean;
}

/** True when the servers serve TLS (permissive or enforcing). */
export function tlsOn(tls: TlsModel | undefined): tls is TlsModel {
  return tls !== undefined && tls.mode !== "disabled";
}

/** Where a process finds a TLS file: the host's own path, or where the library uploads its PEM text. */
function location(m: TlsMaterialModel | undefined, uploaded: string): string | undefined {
  if (!m) return undefined;
  return m.hostPath ?? uploaded;
}

/** The paths of the uploaded TLS files, which other files name in their content (the proxy's rmq-proxy.json). */
export function tlsUploadedPaths(tls: TlsModel | undefined): string[] {
  if (!tlsOn(tls)) return [];
  return [
    ...(tls.certificate?.pem ? [TLS_CERTIFICATE_PATH] : []),
    ...(tls.privateKey?.pem ? [TLS_PRIVATE_KEY_PATH] : []),
    ...(tls.trustCertificate?.pem ? [TLS_TRUST_PATH] : []),
  ];
}

/** The host files the servers read (each mounted read-only at the same path in a container). */
export function tlsHostFiles(tls: TlsModel | undefined): string[] {
  if (!tlsOn(tls)) return [];
  const paths = [tls.certificate, tls.privateKey, tls.trustCertificate].flatMap((m) => m?.hostPath ?? []);
  return [...new Set(paths)].sort();
}

/** The keys of `tls.properties` (TlsSystemConfig's names). */
export function tlsConfigEntries(tls: TlsModel): Record<string, string> {
  const cert = location(tls.certificate, TLS_CERTIFICATE_PATH);
  const key = location(tls.privateKey, TLS_PRIVATE_KEY_PATH);
  const trust = location(tls.trustCertificate, TLS_TRUST_PATH);
  const e: Record<string, string> = {
    // The cluster's certificate, not the self-signed one test mode makes at start (that clients trust unchecked).
    "tls.test.mode.enable": "false",
    // Clients present no certificate: any client that speaks TLS is served (access control says who it is).
    "tls.server.need.client.auth": "none",
    "tls.server.authClient": "false",
    // The servers' own clients (a broker to its name servers, a slave to its master) check the certificate they are
    // shown against the CA when one is given; without one they accept any (RocketMQ checks no host name either way).
    "tls.client.authServer": String(trust !== undefined),
  };
  if (cert !== undefined) e["tls.server.certPath"] = cert;
  if (key !== undefined) e["tls.server.keyPath"] = key;
  if (trust !== undefined) {
    e["tls.client.trustCertPath"] = trust;
    e["tls.server.trustCertPath"] = trust;
  }
  return e;
}

/**
 * The files every server of a TLS cluster reads: its `tls.properties` (named by `-Dtls.config.file`), then the
 * certificate, the private key (a secret) and the CA certificate given as PEM text.
 */
export function tlsServerFiles(clusterPath: string, version: string, tls: TlsModel | undefined): TlsFile[] {
  if (!tlsOn(tls)) return [];
  const content = renderProperties(
    [
      `Generated by rocketmq-cdktf for ${clusterPath} (RocketMQ ${version}): TLS ${tls.mode}.`,
      `Do not edit: change the construct and synthesize again.`,
    ],
    tlsConfigEntries(tls),
  );
  const files: TlsFile[] = [
    {
      path: TLS_CONFIG_PATH,
      content,
      absoluteProperty: TLS_CONFIG_PROPERTY,
      mentions: tlsUploadedPaths(tls).filter((p) => content.includes(p)),
    },
  ];
  const pem = (m: TlsMaterialModel | undefined, path: string, secret: boolean) => {
    if (m?.pem) files.push({ path, content: m.pem.text, yamlScalar: m.pem.yamlScalar, ...(secret ? { secret } : {}) });
  };
  pem(tls.certificate, TLS_CERTIFICATE_PATH, false);
  pem(tls.privateKey, TLS_PRIVATE_KEY_PATH, true);
  pem(tls.trustCertificate, TLS_TRUST_PATH, false);
  return files;
}

/**
 * The JVM system properties of every server (`JAVA_OPT_EXT`): the mode, and `tls.enable` so that the servers' own
 * clients speak TLS to each other (`tls.config.file` is set by the target, where it put the file).
 */
export function tlsServerOptions(tls: TlsModel | undefined): string[] {
  if (!tls) return [];
  return [`-Dtls.server.mode=${tls.mode}`, ...(tlsOn(tls) ? ["-Dtls.enable=true"] : [])];
}

/** The environment with the TLS options appended to `JAVA_OPT_EXT` (after the heap flags). */
export function withTlsOptions(env: Record<string, string>, tls: TlsModel | undefined): Record<string, string> {
  const opts = tlsServerOptions(tls);
  if (opts.length === 0) return env;
  return { ...env, JAVA_OPT_EXT: [env.JAVA_OPT_EXT, ...opts].filter(Boolean).join(" ") };
}

/**
 * rmq-proxy.json's TLS keys: the gRPC port (8081) reads only these (ProxyAndTlsProtocolNegotiator), and the remoting
 * port copies them into TlsSystemConfig (the tls.properties file still wins there).
 */
export function proxyTlsEntries(tls: TlsModel | undefined): Record<string, PropertyValue> {
  if (!tlsOn(tls)) return {};
  const e: Record<string, PropertyValue> = { tlsTestModeEnable: false };
  const cert = location(tls.certificate, TLS_CERTIFICATE_PATH);
  const key = location(tls.privateKey, TLS_PRIVATE_KEY_PATH);
  if (cert !== undefined) e.tlsCertPath = cert;
  if (key !== undefined) e.tlsKeyPath = key;
  return e;
}

/** The console's TLS switch (rocketmq-dashboard's RMQConfigure `useTLS`): on whenever the servers serve TLS. */
export function dashboardTlsOptions(tls: TlsModel | undefined): string[] {
  return tlsOn(tls) ? ["-Drocketmq.config.useTLS=true"] : [];
}
