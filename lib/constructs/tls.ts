import { Fn } from "cdktf";
import { error, warning } from "../core/findings";
import { PemModel, TlsMaterialModel, TlsModel } from "../core/model";
import { isToken, PropsReader } from "../input/reader";
import { Field, field, Read, readProps, Schema } from "../input/schema";

/** How the cluster's servers treat plaintext and TLS connections: RocketMQ's `tls.server.mode`. */
export enum TlsMode {
  /** Plaintext only: a TLS client is not understood. */
  DISABLED = "disabled",
  /** TLS and plaintext clients are both served (RocketMQ's default); the members speak TLS to each other. */
  PERMISSIVE = "permissive",
  /** TLS only: a plaintext connection is closed without an answer. */
  ENFORCING = "enforcing",
}

/**
 * TLS in transit of a cluster: the mode of every server and the certificate they present. Each file comes either as PEM
 * text (`certificate`, a Terraform variable's value, a data source's attribute) or as the path of a file already on
 * every host (`certificateFile`), never both. The servers' own clients (brokers to name servers, slaves to their master,
 * proxies) speak TLS too and check each other's certificate against `trustCertificate` when it is given. RocketMQ's HA
 * replication (`haListenPort`) is never encrypted.
 */
export interface TlsProps {
  /** `tls.server.mode` of every name server, controller, broker and proxy. */
  readonly mode: TlsMode;
  /**
   * The servers' certificate, PEM text (`-----BEGIN CERTIFICATE-----`, the chain may follow). One certificate serves
   * every member: RocketMQ checks no host name, only the chain.
   * @default none: `certificateFile` (one of the two is required unless mode is DISABLED)
   */
  readonly certificate?: string;
  /**
   * The path of the certificate's PEM file on every host of the cluster (mounted read-only into a container at the
   * same path; read where it is on a VM). It must be readable by the user RocketMQ runs as.
   * @default none: `certificate`
   */
  readonly certificateFile?: string;
  /**
   * The certificate's private key, PEM text of an unencrypted PKCS#8 key (`-----BEGIN PRIVATE KEY-----`: RocketMQ's
   * Netty reads no other form; convert with `openssl pkcs8 -topk8 -nocrypt`). A secret: pass a Terraform variable
   * marked sensitive (`new TerraformVariable(stack, "tlsKey", { type: "string", sensitive: true }).stringValue`) or any
   * token; a literal string is written in plain text into the synthesized output and the state, and is warned about
   * (`secrets/literal`).
   * @default none: `privateKeyFile` (one of the two is required unless mode is DISABLED)
   */
  readonly privateKey?: string;
  /**
   * The path of the private key's PEM file (unencrypted PKCS#8) on every host of the cluster, readable by the user
   * RocketMQ runs as.
   * @default none: `privateKey`
   */
  readonly privateKeyFile?: string;
  /**
   * The CA certificate (PEM text) the members check each other's certificate against.
   * @default none: `trustCertificateFile`; without either, the members accept any certificate from each other
   */
  readonly trustCertificate?: string;
  /**
   * The path of the CA certificate's PEM file on every host of the cluster.
   * @default none: `trustCertificate`
   */
  readonly trustCertificateFile?: string;
}

type PemKind = "certificate" | "private key";

/** PEM text: a token (resolved by Terraform), or a literal checked for its form (never shown in a message). */
function pemField(kind: PemKind): Field<string> {
  return {
    read(r, o, prop) {
      const v = o[prop];
      if (v === undefined || v === null) return undefined;
      const name = r.name(prop);
      const fail = (rule: string, message: string, fix: string): undefined => {
        r.findings.push(error(r.path, rule, message, fix));
        return undefined;
      };
      if (typeof v !== "string")
        return fail(
          "props/type",
          `${name} is not a string${kind === "private key" ? " (its value is not shown)" : ""}.`,
          `Set ${name} to the PEM text of the ${kind}${kind === "private key" ? ", from a sensitive Terraform variable" : ""}.`,
        );
      if (isToken(v)) return v;
      // PEM is lines of printable ASCII: a CR, a NUL or another control character would reach the file as it is.
      const bad = /[^\x20-\x7e\n]/.exec(v);
      if (bad)
        return fail(
          "props/control-character",
          `${name} contains ${bad[0] === "\r" ? "a carriage return" : "a character that is not printable ASCII"} (U+${bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}) at position ${bad.index + 1} of ${v.length}: PEM text is printable ASCII lines.`,
          `Give ${name} as PEM text with LF line ends (e.g. fs.readFileSync(file, "utf8").replace(/\\r/g, "")).`,
        );
      const labels = [...v.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----/g)].map((m) => m[1]);
      if (kind === "certificate") {
        if (labels.length === 0 || labels.some((l) => l !== "CERTIFICATE"))
          return fail(
            "tls/pem",
            `${name} is not PEM certificates (${labels.length === 0 ? "no -----BEGIN CERTIFICATE----- line" : `it holds a ${labels.find((l) => l !== "CERTIFICATE")}`}).`,
            `Set ${name} to the PEM text of the certificate (the content of a .crt/.pem file that starts with -----BEGIN CERTIFICATE-----).`,
          );
        return v;
      }
      if (labels.length !== 1)
        return fail(
          "tls/pem",
          `${name} is not one PEM private key (${labels.length === 0 ? "no -----BEGIN ... PRIVATE KEY----- line" : `${labels.length} PEM blocks`}; its value is not shown).`,
          `Set ${name} to the PEM text of one unencrypted PKCS#8 key (-----BEGIN PRIVATE KEY-----), from a sensitive Terraform variable.`,
        );
      if (labels[0] !== "PRIVATE KEY")
        return fail(
          "tls/key-format",
          `${name} is a PEM "${labels[0]}" (its value is not shown): RocketMQ's Netty reads only an unencrypted PKCS#8 key ("PRIVATE KEY"), and the server would not start TLS.`,
          labels[0] === "ENCRYPTED PRIVATE KEY"
            ? `Decrypt it: openssl pkcs8 -in key.pem -out key.pk8.pem (and keep the result in a secret store).`
            : `Convert it: openssl pkcs8 -topk8 -nocrypt -in key.pem -out key.pk8.pem.`,
        );
      return v;
    },
  };
}

/** The path of a file on the hosts: literal, absolute, no `..`. */
function pathField(example: string): Field<string> {
  return {
    read(r, o, prop) {
      const v = r.string(o, prop, {
        literal: "the library mounts it into every container and names it in every server's TLS file at synth",
        example,
      });
      if (v === undefined) return undefined;
      if (!v.startsWith("/") || v.split("/").includes("..") || /\s/.test(v)) {
        r.findings.push(
          error(
            r.path,
            "tls/path",
            `${r.name(prop)} "${v}" is not an absolute path without blanks and "..": every server of the cluster opens it, from its own working directory.`,
            `Set ${r.name(prop)} to the absolute path of the file on every host, e.g. ${r.name(prop)}: ${example}.`,
          ),
        );
        return undefined;
      }
      return v;
    },
  };
}

const TLS_SCHEMA: Schema<TlsProps> = {
  mode: field.enumOf(TlsMode, "TlsMode"),
  certificate: pemField("certificate"),
  certificateFile: pathField('"/etc/rocketmq-tls/server.crt"'),
  privateKey: pemField("private key"),
  privateKeyFile: pathField('"/etc/rocketmq-tls/server.key"'),
  trustCertificate: pemField("certificate"),
  trustCertificateFile: pathField('"/etc/rocketmq-tls/ca.crt"'),
};

const TLS_EXAMPLE = "{ mode: TlsMode.ENFORCING, certificate, privateKey: tlsKey.stringValue, trustCertificate }";

/** The `tls` prop of a cluster. */
export const TLS_FIELD: Field<TlsProps> = {
  read(r, o, prop, ctx) {
    const raw = r.objectProp(o, prop, TLS_EXAMPLE);
    if (!raw) return undefined;
    const n = r.nested(prop);
    const read = readProps(TLS_SCHEMA, raw, n, ctx);
    if (read.mode === undefined) {
      if (raw.mode === undefined || raw.mode === null)
        n.required(`${n.name("mode")} is required.`, `Set ${n.name("mode")}, e.g. mode: TlsMode.ENFORCING.`);
      return undefined;
    }
    for (const [text, file] of [
      ["certificate", "certificateFile"],
      ["privateKey", "privateKeyFile"],
      ["trustCertificate", "trustCertificateFile"],
    ] as const) {
      if (read[text] !== undefined && read[file] !== undefined)
        r.findings.push(
          error(
            r.path,
            "tls/source",
            `${n.name(text)} and ${n.name(file)} are both set: the file would come from two places.`,
            `Keep one: ${n.name(text)} (PEM text, uploaded by the library) or ${n.name(file)} (a file already on every host).`,
          ),
        );
    }
    return read as TlsProps;
  },
};

/**
 * The model of the cluster's TLS: each file's PEM text (a literal JSON-quoted; a token quoted by Terraform at apply,
 * `jsonencode`) or its path on the hosts, and a warning where the private key is a literal.
 */
export function tlsModel(tls: Read<TlsProps>, clusterPath: string, r: PropsReader): TlsModel {
  const material = (text: string | undefined, file: string | undefined, prop: string): TlsMaterialModel | undefined => {
    if (text !== undefined) return { declared: { path: clusterPath, prop: `tls.${prop}` }, pem: pemModel(text) };
    if (file !== undefined) return { declared: { path: clusterPath, prop: `tls.${prop}File` }, hostPath: file };
    return undefined;
  };
  const pemModel = (value: string): PemModel =>
    isToken(value)
      ? { text: value, yamlScalar: Fn.jsonencode(value), unresolved: true }
      : { text: value, yamlScalar: JSON.stringify(value), unresolved: false };
  const model: TlsModel = {
    path: `${clusterPath}#tls`,
    mode: tls.mode ?? TlsMode.ENFORCING,
    certificate: material(tls.certificate, tls.certificateFile, "certificate"),
    privateKey: material(tls.privateKey, tls.privateKeyFile, "privateKey"),
    trustCertificate: material(tls.trustCertificate, tls.trustCertificateFile, "trustCertificate"),
  };
  if (model.privateKey?.pem && !model.privateKey.pem.unresolved) {
    r.findings.push(
      warning(
        clusterPath,
        "secrets/literal",
        `tls.privateKey is a literal string: the private key is written in plain text into cdk.tf.json, into the files the servers read and into the Terraform state.`,
        `Pass a Terraform variable marked sensitive, e.g. privateKey: new TerraformVariable(stack, "tlsPrivateKey", { type: "string", sensitive: true }).stringValue, or privateKeyFile (a file already on every host), and encrypt the state (README: Secrets).`,
      ),
    );
  }
  return model;
}
