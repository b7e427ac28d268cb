/**
 * Private keys never reach a terminal, a log or the journal. Reporters pass
 * any text they show through redactPrivateKeys; modules mark secrets too,
 * and this is the net under both.
 */

export const REDACTED_KEY_BODY = '<private key redacted by ezplay>';

// `RSA `, `EC `, `ENCRYPTED `, `OPENSSH ` or nothing before PRIVATE KEY
const LABEL = '((?:[A-Z0-9]+ )*)PRIVATE KEY';
const BEGIN = new RegExp(`-----BEGIN ${LABEL}-----`);
// the body up to the matching END line, or to the end of the text when output was cut short
const BLOCK = new RegExp(`(-----BEGIN ${LABEL}-----)([\\s\\S]*?)(-----END \\2PRIVATE KEY-----|$(?![\\s\\S]))`, 'g');

/** True when the text holds (the start of) a PEM private key. */
export function isPrivateKeyPem(text: string): boolean {
  return BEGIN.test(text);
}

/**
 * Replaces the body of every PEM private key block with a placeholder,
 * keeping the BEGIN/END lines so a reader still sees what was there. The
 * newline style of the block (real, or `\n` escaped inside JSON) is kept.
 */
export function redactPrivateKeys(text: string): string {
  return text.replace(BLOCK, (_match, begin: string, _label: string, body: string, end: string) => {
    const newline = body.startsWith('\\n') ? '\\n' : body.startsWith('\r\n') ? '\r\n' : '\n';
    return `${begin}${newline}${REDACTED_KEY_BODY}${newline}${end}`;
  });
}
