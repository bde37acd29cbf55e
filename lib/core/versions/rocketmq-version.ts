/**
 * A RocketMQ release, as a value: the cluster's `version` picks the key catalogue, the version rules and the default
 * image from it. One constant per release the library has a key catalogue for (`RocketMqVersion.V5_5_0`), visible to
 * every language and IDE; `RocketMqVersion.of("5.5.0")` for a version held in a string. A version without a catalogue
 * (a malformed one, or a release Maven Central lacks) is refused at synth by the cluster that uses it
 * (`versions/unknown`), with the closest supported versions.
 *
 * Pure: no cdktf.
 */
import { closestSupported, compareVersions, parseVersion, SUPPORTED_VERSIONS, unsupportedMessage } from "./catalogue";

/** The name of a version's constant, for messages: `5.5.0` → `V5_5_0`. */
export function versionConstantName(version: string): string {
  return `V${version.replace(/\./g, "_")}`;
}

/** A RocketMQ release (as aws-msk's KafkaVersion is a Kafka release). */
export class RocketMqVersion {
  /** RocketMQ 4.5.0. */
  public static readonly V4_5_0 = new RocketMqVersion("4.5.0");
  /** RocketMQ 4.5.1. */
  public static readonly V4_5_1 = new RocketMqVersion("4.5.1");
  /** RocketMQ 4.5.2. */
  public static readonly V4_5_2 = new RocketMqVersion("4.5.2");
  /** RocketMQ 4.6.0. */
  public static readonly V4_6_0 = new RocketMqVersion("4.6.0");
  /** RocketMQ 4.6.1. */
  public static readonly V4_6_1 = new RocketMqVersion("4.6.1");
  /** RocketMQ 4.7.0. */
  public static readonly V4_7_0 = new RocketMqVersion("4.7.0");
  /** RocketMQ 4.7.1. */
  public static readonly V4_7_1 = new RocketMqVersion("4.7.1");
  /** RocketMQ 4.8.0. */
  public static readonly V4_8_0 = new RocketMqVersion("4.8.0");
  /** RocketMQ 4.9.0. */
  public static readonly V4_9_0 = new RocketMqVersion("4.9.0");
  /** RocketMQ 4.9.1. */
  public static readonly V4_9_1 = new RocketMqVersion("4.9.1");
  /** RocketMQ 4.9.2. */
  public static readonly V4_9_2 = new RocketMqVersion("4.9.2");
  /** RocketMQ 4.9.3. */
  public static readonly V4_9_3 = new RocketMqVersion("4.9.3");
  /** RocketMQ 4.9.4. */
  public static readonly V4_9_4 = new RocketMqVersion("4.9.4");
  /** RocketMQ 4.9.5. */
  public static readonly V4_9_5 = new RocketMqVersion("4.9.5");
  /** RocketMQ 4.9.7. */
  public static readonly V4_9_7 = new RocketMqVersion("4.9.7");
  /** RocketMQ 4.9.8. */
  public static readonly V4_9_8 = new RocketMqVersion("4.9.8");
  /** RocketMQ 5.0.0. */
  public static readonly V5_0_0 = new RocketMqVersion("5.0.0");
  /** RocketMQ 5.1.0. */
  public static readonly V5_1_0 = new RocketMqVersion("5.1.0");
  /** RocketMQ 5.1.1. */
  public static readonly V5_1_1 = new RocketMqVersion("5.1.1");
  /** RocketMQ 5.1.3. */
  public static readonly V5_1_3 = new RocketMqVersion("5.1.3");
  /** RocketMQ 5.1.4. */
  public static readonly V5_1_4 = new RocketMqVersion("5.1.4");
  /** RocketMQ 5.2.0. */
  public static readonly V5_2_0 = new RocketMqVersion("5.2.0");
  /** RocketMQ 5.3.0. */
  public static readonly V5_3_0 = new RocketMqVersion("5.3.0");
  /** RocketMQ 5.3.1. */
  public static readonly V5_3_1 = new RocketMqVersion("5.3.1");
  /** RocketMQ 5.3.2. */
  public static readonly V5_3_2 = new RocketMqVersion("5.3.2");
  /** RocketMQ 5.3.3. */
  public static readonly V5_3_3 = new RocketMqVersion("5.3.3");
  /** RocketMQ 5.4.0. */
  public static readonly V5_4_0 = new RocketMqVersion("5.4.0");
  /** RocketMQ 5.5.0. */
  public static readonly V5_5_0 = new RocketMqVersion("5.5.0");
  /** RocketMQ 5.5.1. */
  public static readonly V5_5_1 = new RocketMqVersion("5.5.1");

  /**
   * The version a cluster gets when it names none: the newest release whose servers are on Maven Central and whose
   * image is published.
   */
  public static readonly DEFAULT = RocketMqVersion.V5_5_0;

  /**
   * The version `version` (`"5.5.0"`): the constant when it is supported, else a version the cluster refuses at synth
   * with the closest supported ones (nothing is thrown here).
   */
  public static of(version: string): RocketMqVersion {
    return RocketMqVersion.supported().find((v) => v.version === version) ?? new RocketMqVersion(String(version));
  }

  /** Every supported release, ascending. */
  public static supported(): RocketMqVersion[] {
    return [
      RocketMqVersion.V4_5_0,
      RocketMqVersion.V4_5_1,
      RocketMqVersion.V4_5_2,
      RocketMqVersion.V4_6_0,
      RocketMqVersion.V4_6_1,
      RocketMqVersion.V4_7_0,
      RocketMqVersion.V4_7_1,
      RocketMqVersion.V4_8_0,
      RocketMqVersion.V4_9_0,
      RocketMqVersion.V4_9_1,
      RocketMqVersion.V4_9_2,
      RocketMqVersion.V4_9_3,
      RocketMqVersion.V4_9_4,
      RocketMqVersion.V4_9_5,
      RocketMqVersion.V4_9_7,
      RocketMqVersion.V4_9_8,
      RocketMqVersion.V5_0_0,
      RocketMqVersion.V5_1_0,
      RocketMqVersion.V5_1_1,
      RocketMqVersion.V5_1_3,
      RocketMqVersion.V5_1_4,
      RocketMqVersion.V5_2_0,
      RocketMqVersion.V5_3_0,
      RocketMqVersion.V5_3_1,
      RocketMqVersion.V5_3_2,
      RocketMqVersion.V5_3_3,
      RocketMqVersion.V5_4_0,
      RocketMqVersion.V5_5_0,
      RocketMqVersion.V5_5_1,
    ];
  }

  /** The version as RocketMQ and the image tags spell it: `5.5.0`. */
  public readonly version: string;

  private constructor(version: string) {
    this.version = version;
  }

  /** True when the library has the key catalogue of this release (it is one of the constants). */
  public get isSupported(): boolean {
    return SUPPORTED_VERSIONS.includes(this.version);
  }

  /**
   * True when this release is `other` or newer (`RocketMqVersion.V5_3_3.atLeast(RocketMqVersion.V5_0_0)`); false
   * when either is malformed.
   */
  public atLeast(other: RocketMqVersion): boolean {
    if (!parseVersion(this.version) || !parseVersion(other.version)) return false;
    return compareVersions(this.version, other.version) >= 0;
  }

  /**
   * Why this version cannot be used, with the closest supported versions and all of them.
   * @returns undefined when it is supported
   */
  public problem(): string | undefined {
    return this.isSupported ? undefined : unsupportedMessage(this.version);
  }

  /** The closest supported versions (the newest below and the oldest above), for fixes. */
  public closestSupported(): string[] {
    return closestSupported(this.version);
  }

  /** `5.5.0`. */
  public toString(): string {
    return this.version;
  }
}
