/** RocketMQ keys per version: the catalogues, version helpers and the extra-properties check. */
export type { Catalogue, JavaType, KeySpec, Section } from "./catalogue";
export {
  catalogueFor,
  catalogueVersionFor,
  compareVersions,
  defaultOf,
  hasKey,
  hasSection,
  keySpec,
  keysOf,
  parseVersion,
  sectionsOf,
  SUPPORTED_VERSIONS,
  versionAtLeast,
} from "./catalogue";
export type { CheckPropertiesInput, PropertySection, PropertyValue } from "./check-properties";
export {
  checkProperties,
  editDistance,
  NOT_A_KEY,
  parses,
  PROPERTY_RULES,
  suggestKeys,
} from "./check-properties";
