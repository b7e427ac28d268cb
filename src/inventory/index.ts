export {
  Inventory,
  byCodePoint,
  type FileVarLayer,
  type InventoryGroup,
  type InventoryHost,
  type SetVarsOptions,
  type VarsScope,
} from './inventory.js';
export { matchPattern, type PatternMatch } from './host-matching.js';
export { varLayersFor, sortGroupsForVars, type VarLayer } from './var-layers.js';
export { LOCALHOST_NAMES, splitPattern } from './patterns.js';
export { implicitLocalhost } from './implicit-localhost.js';
export { connectionSettings, toBoolean, type ConnectionSettings } from './connection-settings.js';
export { expandHostSpec, HostPatternError, type HostSpec } from './host-ranges.js';
export { parsePythonLiteral, iniValue, type LiteralResult } from './python-literal.js';
