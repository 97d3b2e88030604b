// Names why a certificate was not trusted in a person's words, from the TLS library's error code.

const PROBLEMS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'it is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'it chains to a self-signed certificate that is not trusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its issuer is not known',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'its issuer is not known',
  CERT_HAS_EXPIRED: 'it has expired',
  CERT_NOT_YET_VALID: 'it is not valid yet',
  ERR_TLS_CERT_ALTNAME_INVALID: 'it was issued for another name',
};

/** Undefined when `code` is not a certificate problem (a refused connection, say). */
export function certificateProblem(code: string | undefined): string | undefined {
  if (code === undefined) return undefined;
  const words = PROBLEMS[code];
  return words === undefined ? undefined : `${words} (${code})`;
}
