/**
 * How a VM gets its Java runtime and its RocketMQ distribution: small classes with static factories (no unions in
 * public props), each resolved into plain data for the pure renderer (user-data.ts).
 */

/** Where Apache keeps every RocketMQ release (`<mirror>/<version>/rocketmq-all-<version>-bin-release.zip`). */
export const APACHE_ARCHIVE = "https://archive.apache.org/dist/rocketmq";

/** The Debian/Ubuntu package of the default Java runtime (RocketMQ 4.9.x and 5.x run on Java 17 with `VM_JAVA_17_OPTIONS`). */
export const DEFAULT_JAVA_PACKAGE = "openjdk-17-jre-headless";

/**
 * What RocketMQ needs on Java 9 and later (module encapsulation): its mapped-file cleaner and Netty reach into
 * java.base. The same flags as the labs' start scripts; Java 8 refuses them (set `javaOptions: []` there).
 */
export const VM_JAVA_17_OPTIONS: readonly string[] = [
  "--add-opens java.base/jdk.internal.ref=ALL-UNNAMED",
  "--add-opens java.base/java.nio=ALL-UNNAMED",
  "--add-opens java.base/java.util=ALL-UNNAMED",
  "--add-opens java.base/java.lang=ALL-UNNAMED",
  "--add-exports java.base/sun.nio.ch=ALL-UNNAMED",
];

/** RocketMQ's recommended open-file limit (its docs: `ulimit -n 655350`). */
export const DEFAULT_LIMIT_NOFILE = 655350;

/** The Java runtime of a VM, as the renderer reads it. */
export interface VmJavaSpec {
  /** A Debian/Ubuntu package installed with apt-get when missing. */
  readonly debianPackage?: string;
  /** JAVA_HOME when given; else found from `java` on PATH at install. */
  readonly javaHome?: string;
}

/** How a VM gets its Java runtime. */
export class VmJava {
  /**
   * A Debian or Ubuntu package, installed with `apt-get install --no-install-recommends` unless the image has it
   * already; JAVA_HOME is found from the installed `java`.
   * @param packageName the package, e.g. `openjdk-17-jre-headless` (the default) or `openjdk-21-jre-headless`
   */
  public static debianPackage(packageName: string = DEFAULT_JAVA_PACKAGE): VmJava {
    return new VmJava({ debianPackage: packageName });
  }

  /**
   * A runtime the machine's image already has: nothing is installed.
   * @param javaHome its JAVA_HOME; when omitted, found from `java` on PATH when the machine boots
   */
  public static preinstalled(javaHome?: string): VmJava {
    return new VmJava(javaHome === undefined ? {} : { javaHome });
  }

  /** @internal */
  public readonly _spec: VmJavaSpec;

  private constructor(spec: VmJavaSpec) {
    this._spec = spec;
  }
}

/** A RocketMQ binary distribution for one version, as the renderer reads it. */
export interface VmDistributionSpec {
  /** The RocketMQ home on the machine (`bin/`, `conf/`, `lib/`): where it is installed, or where it already is. */
  readonly home: string;
  /** The zip to download; none when preinstalled. */
  readonly url?: string;
  /** The pinned SHA-512 (128 hex digits, lower case); none: `<url>.sha512` is downloaded and read. */
  readonly sha512?: string;
}

/** Options of `VmDistribution.apacheArchive`. */
export interface ApacheArchiveOptions {
  /**
   * The base URL of a copy of the Apache archive's layout: `<mirror>/<version>/rocketmq-all-<version>-bin-release.zip`
   * and its `.sha512` beside it.
   * @default "https://archive.apache.org/dist/rocketmq"
   */
  readonly mirror?: string;
  /**
   * The SHA-512 of the zip (128 hex digits), pinned in the user-data.
   * @default none: the archive's `<zip>.sha512`, downloaded from the same place as the zip
   */
  readonly sha512?: string;
}

/** Where a VM's RocketMQ comes from. */
export class VmDistribution {
  /**
   * The release's binary distribution, `rocketmq-all-<version>-bin-release.zip`, from the Apache archive (or a copy of
   * its layout), verified by its SHA-512: the pinned one when given, else the archive's `.sha512` file (which only
   * proves the download is whole, not who made it: pin the checksum for that). The version is the cluster's.
   */
  public static apacheArchive(options: ApacheArchiveOptions = {}): VmDistribution {
    return new VmDistribution("archive", options.mirror ?? APACHE_ARCHIVE, options.sha512);
  }

  /**
   * A distribution zip at `url` (the Apache zip's layout: `bin/`, `conf/`, `lib/`, at the top or in one folder).
   * @param url where the machine downloads it (http, https)
   * @param sha512 its SHA-512 (128 hex digits); when omitted, `<url>.sha512` is downloaded and read
   */
  public static fromUrl(url: string, sha512?: string): VmDistribution {
    return new VmDistribution("url", url, sha512);
  }

  /**
   * RocketMQ already on the machine's image at `rocketmqHome` (with `bin/mqnamesrv`, `bin/mqbroker`, ...): nothing is
   * downloaded.
   */
  public static preinstalled(rocketmqHome: string): VmDistribution {
    return new VmDistribution("preinstalled", rocketmqHome, undefined);
  }

  /** @internal */
  public readonly _kind: "archive" | "url" | "preinstalled";
  /** @internal the mirror, the url or the home */
  public readonly _where: string;
  /** @internal */
  public readonly _sha512?: string;

  private constructor(kind: "archive" | "url" | "preinstalled", where: string, sha512: string | undefined) {
    this._kind = kind;
    this._where = where;
    // What a JavaScript caller gave is kept as it is (VmHost says what is wrong with it, on its construct path).
    this._sha512 = typeof sha512 === "string" ? sha512.toLowerCase() : sha512;
  }

  /** @internal True when one distribution serves one version only (a URL or a home: not the archive's per-version layout). */
  public get _singleVersion(): boolean {
    return this._kind !== "archive";
  }

  /** @internal The distribution of RocketMQ `version`. */
  public _forVersion(version: string): VmDistributionSpec {
    const home = `/opt/rocketmq/rocketmq-${version}`;
    switch (this._kind) {
      case "archive":
        return {
          home,
          url: `${this._where.replace(/\/+$/, "")}/${version}/rocketmq-all-${version}-bin-release.zip`,
          ...(this._sha512 ? { sha512: this._sha512 } : {}),
        };
      case "url":
        return { home, url: this._where, ...(this._sha512 ? { sha512: this._sha512 } : {}) };
      default:
        return { home: this._where.replace(/\/+$/, "") };
    }
  }
}
