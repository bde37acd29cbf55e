/** RocketMQ keys per version: the catalogues, version helpers and the extra-properties check. */
export type { Catalogue, JavaType, KeySpec, Section } from "./catalogue";
export {
  catalogueFor,
  closestSupported,
  compareVersions,
  DEFAULT_VERSION,
  defaultOf,
  hasKey,
  hasSection,
  keySpec,
  keysOf,
  MACHINE_DEPENDENT,
  parseVersion,
  sectionsOf,
  SUPPORTED_VERSIONS,
  unsupportedMessage,
  versionAtLeast,
} from "./catalogue";
export { CATALOGUE_DATA_VERSIONS, UNSUPPORTED } from "./table";
// The shipped table's format, for the tool that writes and checks it from the jars (lab/catalogue.ts).
export type { CatalogueTable, JarCatalogue, JarKeySpec } from "./table";
export { canonical, packTable, unpackVersion } from "./table";
export type { CheckPropertiesInput, PropertySection, PropertyValue } from "./check-properties";
export {
  checkProperties,
  editDistance,
  NOT_A_KEY,
  parses,
  PROPERTY_RULES,
  suggestKeys,
  versionRuns,
} from "./check-properties";
