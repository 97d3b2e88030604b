// The sending domain's DMARC policy (RFC 9989, via mailauth's policy discovery): p=none/quarantine/reject and where reports go.

import getDmarcRecord from 'mailauth/lib/dmarc/get-dmarc-record.js';
import type { DomainHealth } from '../../shared/setup';
import { dnsFailure, type DnsResolver } from './dns-records';

const POLICIES = new Set(['none', 'quarantine', 'reject']);

export interface DmarcCheck {
  dmarc: DomainHealth['dmarc'];
  advice: string[];
}

export async function checkDmarc(domain: string, resolver: DnsResolver): Promise<DmarcCheck> {
  let found;
  try {
    found = await getDmarcRecord(domain, resolver);
  } catch (error) {
    throw dnsFailure(`_dmarc.${domain}`, error);
  }
  if (!found) {
    return {
      dmarc: { record: null, policy: null, reports: [] },
      advice: [`${domain} has no DMARC record (at _dmarc.${domain}), so receivers get no instructions for mail that fails SPF and DKIM, and you get no reports about it. Start with "v=DMARC1; p=none; rua=mailto:<an address of yours>" to collect reports.`],
    };
  }
  const policy = POLICIES.has(found.p ?? '') ? (found.p as NonNullable<DomainHealth['dmarc']['policy']>) : null;
  const reports = (found.rua ?? '').split(',').map((uri) => uri.trim()).filter(Boolean);
  const where = found.isOrgRecord ? ` (inherited from ${found.recordDomain})` : '';
  const advice: string[] = [];
  if (policy === null) advice.push(`The DMARC record of ${domain}${where} has no valid policy (p=none, quarantine or reject), so receivers may ignore it. Add one.`);
  if (policy === 'none') advice.push(`DMARC for ${domain}${where} is p=none: monitoring only, so forged mail is still delivered. Once the reports show your own mail passes, move to p=quarantine and then p=reject.`);
  if (policy === 'quarantine') advice.push(`DMARC for ${domain}${where} is p=quarantine: forged mail goes to spam. When you are confident all your mail passes, p=reject stops it outright.`);
  if (reports.length === 0) advice.push(`The DMARC record of ${domain}${where} asks for no reports (no rua=), so failures go unnoticed. Add rua=mailto:<an address of yours>.`);
  return { dmarc: { record: found.rr, policy, reports }, advice };
}
