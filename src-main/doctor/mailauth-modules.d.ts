// Types for the two mailauth modules the domain-health check uses; mailauth's own types cover only its top-level API.

declare module 'mailauth/lib/dmarc/get-dmarc-record.js' {
  /** A parsed DMARC record: its tags (lower-cased names), the raw text, and where it was found. */
  interface DmarcRecord {
    p?: string;
    rua?: string;
    rr: string;
    /** The record belongs to the organizational domain above the one asked for. */
    isOrgRecord: boolean;
    recordDomain: string;
    orgDomain: string | null;
  }
  /** RFC 9989 policy discovery: the record at _dmarc.<domain>, else the organizational domain's; false when none applies. */
  export default function getDmarcRecord(domain: string, resolver?: (name: string, rrtype: string) => Promise<unknown>): Promise<DmarcRecord | false>;
}

declare module 'mailauth/lib/spf/syntax.js' {
  const syntax: {
    /** RFC 7208 §4.6 syntax of a record's terms (without `v=spf1`): the first error's description, or false. */
    validateTerms(terms: string[]): string | false;
  };
  export default syntax;
}
