// A DKIM public key at <selector>._domainkey.<domain> (RFC 6376 §3.6): published, revoked (empty p=), or missing.

import type { DomainHealth } from '../../shared/setup';
import { txtRecords, type DnsResolver } from './dns-records';

export interface DkimCheck {
  dkim: NonNullable<DomainHealth['dkim']>;
  advice: string[];
}

/** Tag=value pairs of a DKIM key record; names lower-cased, whitespace inside values removed (keys are often split). */
function tags(record: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const part of record.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) found.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).replace(/\s+/g, ''));
  }
  return found;
}

export async function checkDkim(domain: string, selector: string, resolver: DnsResolver): Promise<DkimCheck> {
  const name = `${selector}._domainkey.${domain}`;
  const record = (await txtRecords(resolver, name)).find((text) => tags(text).has('p') || /^v=DKIM1\b/i.test(text.trim())) ?? null;
  if (record === null) {
    return {
      dkim: { selector, record: null, hasKey: false },
      advice: [`No DKIM key is published at ${name}. Check the selector: it is the s= value in the DKIM-Signature header of a message sent from ${domain}.`],
    };
  }
  const hasKey = Boolean(tags(record).get('p'));
  return {
    dkim: { selector, record, hasKey },
    advice: hasKey ? [] : [`The DKIM key at ${name} is empty (p=), which means it was revoked: signatures made with selector "${selector}" fail. Publish the current key, or sign with another selector.`],
  };
}
