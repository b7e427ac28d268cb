/** The PKI layer (node-forge under it), loaded by the first ca or cert task instead of at start. */
export type Pki = typeof import('../pki/index.js');

let loading: Promise<Pki> | undefined;

export function loadPki(): Promise<Pki> {
  return (loading ??= import('../pki/index.js'));
}
