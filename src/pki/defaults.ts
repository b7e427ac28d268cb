/** The PKI layer's defaults, apart from its code: module schemas name them without loading node-forge. */
export const DEFAULT_CA_VALIDITY_DAYS = 3650;
export const DEFAULT_LEAF_VALIDITY_DAYS = 3650;
export const DEFAULT_RENEW_BEFORE_DAYS = 30;
