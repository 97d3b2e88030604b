// Domain health of the sending domain: SPF, DMARC and (for a given selector) DKIM, as advice that never blocks.

import { HeronError } from '../../shared/errors';
import type { DomainHealth } from '../../shared/setup';
import { checkDkim } from './dkim';
import { checkDmarc } from './dmarc';
import { createDnsResolver, type DnsResolver } from './dns-records';
import { checkSpf } from './spf';

const DOMAIN = /^(?=.{1,253}$)([a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)+[a-z0-9-]{2,63}$/;
const SELECTOR = /^[a-z0-9_](?:[a-z0-9_.-]{0,61}[a-z0-9_])?$/;

/** The domain a person typed: an address is taken for its domain; case and a trailing dot do not matter. */
export function normalizeDomain(input: string): string {
  const domain = input.trim().replace(/^.*@/, '').replace(/\.$/, '').toLowerCase();
  if (!DOMAIN.test(domain)) throw new HeronError('invalid-input', `"${input.trim()}" is not a domain name (for example example.com).`);
  return domain;
}

export async function checkDomainHealth(input: string, dkimSelector: string | null, resolver: DnsResolver = createDnsResolver()): Promise<DomainHealth> {
  const domain = normalizeDomain(input);
  const selector = dkimSelector?.trim().toLowerCase() || null;
  if (selector !== null && !SELECTOR.test(selector)) throw new HeronError('invalid-input', `"${dkimSelector}" is not a DKIM selector (the s= value of a DKIM-Signature).`);
  const [spf, dmarc, dkim] = await Promise.all([checkSpf(domain, resolver), checkDmarc(domain, resolver), selector ? checkDkim(domain, selector, resolver) : null]);
  return {
    domain,
    spf: spf.spf,
    dmarc: dmarc.dmarc,
    dkim: dkim?.dkim ?? null,
    advice: [...spf.advice, ...dmarc.advice, ...(dkim?.advice ?? [])],
  };
}
