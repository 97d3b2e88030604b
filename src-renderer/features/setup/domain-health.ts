// The sending domain's health in a person's words: one section each for SPF, DMARC and DKIM, each with a verdict and its facts.

import { SPF_LOOKUP_LIMIT, type DomainHealth, type SpfVerdict } from '../../../shared/setup';

/** 'good': nothing to do; 'advice': works, could be better; 'problem': receivers ignore it or it is missing. */
export type HealthTone = 'good' | 'advice' | 'problem';

export interface HealthSection {
  title: 'SPF' | 'DMARC' | 'DKIM';
  verdict: string;
  tone: HealthTone;
  /** Term and value pairs, shown as a description list. */
  facts: [string, string][];
}

const SPF_VERDICTS: Record<SpfVerdict, string> = {
  pass: 'Published and valid',
  missing: 'Missing: receivers cannot tell which servers may send for this domain',
  permerror: 'Broken (permerror): receivers treat it as if there were none',
  invalid: 'Syntax error: receivers ignore it',
};

const ALL_WORDS: Record<NonNullable<DomainHealth['spf']['all']>, string> = {
  '-': '-all (fail): mail from servers the record does not list is rejected',
  '~': '~all (soft fail): mail from servers the record does not list is marked as suspicious, not rejected',
  '?': '?all (neutral): says nothing about servers the record does not list',
  '+': '+all (pass): every server in the world may send as this domain',
};

/** The `all` term in words: what happens to mail from servers the record does not list. */
export function allWords(all: DomainHealth['spf']['all']): string {
  return all === null ? 'No "all" term: mail from servers the record does not list gets a neutral result' : ALL_WORDS[all];
}

function spfSection(spf: DomainHealth['spf']): HealthSection {
  const facts: [string, string][] = [];
  if (spf.record) facts.push(['Record', spf.record]);
  // A missing, duplicated or malformed record was not walked: a lookup count would say nothing.
  if (spf.verdict === 'pass' || (spf.verdict === 'permerror' && spf.lookups > 0)) {
    facts.push(['DNS lookups', `${spf.lookups} of at most ${SPF_LOOKUP_LIMIT}${spf.lookups > SPF_LOOKUP_LIMIT ? ': too many' : ''}`]);
    facts.push(['Other servers', allWords(spf.all)]);
  }
  const tone: HealthTone = spf.verdict !== 'pass' ? 'problem' : spf.all === '-' ? 'good' : spf.all === '~' ? 'advice' : 'problem';
  return { title: 'SPF', verdict: SPF_VERDICTS[spf.verdict], tone, facts };
}

const DMARC_POLICIES: Record<NonNullable<DomainHealth['dmarc']['policy']>, string> = {
  none: 'p=none: monitoring only, forged mail is still delivered',
  quarantine: 'p=quarantine: mail failing SPF and DKIM goes to spam',
  reject: 'p=reject: mail failing SPF and DKIM is refused',
};

function dmarcSection(dmarc: DomainHealth['dmarc']): HealthSection {
  if (dmarc.record === null) return { title: 'DMARC', verdict: 'Missing: receivers get no instructions, and you get no reports', tone: 'problem', facts: [] };
  const facts: [string, string][] = [
    ['Record', dmarc.record],
    ['Reports (rua)', dmarc.reports.length > 0 ? dmarc.reports.join(', ') : 'None requested: failures go unnoticed'],
  ];
  if (dmarc.policy === null) return { title: 'DMARC', verdict: 'No valid policy: receivers may ignore it', tone: 'problem', facts };
  const tone: HealthTone = dmarc.policy === 'reject' && dmarc.reports.length > 0 ? 'good' : 'advice';
  return { title: 'DMARC', verdict: DMARC_POLICIES[dmarc.policy], tone, facts };
}

function dkimSection(dkim: NonNullable<DomainHealth['dkim']>, domain: string): HealthSection {
  const where = `${dkim.selector}._domainkey.${domain}`;
  if (dkim.record === null) return { title: 'DKIM', verdict: `No key published at ${where}`, tone: 'problem', facts: [['Selector', dkim.selector]] };
  const facts: [string, string][] = [
    ['Selector', dkim.selector],
    ['Record', dkim.record],
  ];
  return dkim.hasKey
    ? { title: 'DKIM', verdict: `Key published at ${where}`, tone: 'good', facts }
    : { title: 'DKIM', verdict: `The key at ${where} is empty: it was revoked, and signatures with it fail`, tone: 'problem', facts };
}

/** SPF, DMARC and, when a selector was asked about, DKIM; the engine's advice list is shown after them as it is. */
export function healthSections(health: DomainHealth): HealthSection[] {
  return [spfSection(health.spf), dmarcSection(health.dmarc), ...(health.dkim ? [dkimSection(health.dkim, health.domain)] : [])];
}
