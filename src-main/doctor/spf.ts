// The sending domain's SPF record (RFC 7208): present, valid, within 10 DNS lookups, and how it ends (`-all`, `~all`).

import syntax from 'mailauth/lib/spf/syntax.js';
import { SPF_LOOKUP_LIMIT, type DomainHealth } from '../../shared/setup';
import { dnsFailure, txtRecords, type DnsResolver } from './dns-records';

/** Terms that cost a DNS lookup (the `redirect` modifier counts too). */
const LOOKUP_MECHANISMS = new Set(['include', 'a', 'mx', 'ptr', 'exists']);
/** Far past the limit the answer is known: stop following includes rather than crawl someone's DNS. */
const WALK_CAP = 4 * SPF_LOOKUP_LIMIT;

type Qualifier = NonNullable<DomainHealth['spf']['all']>;

export interface SpfCheck {
  spf: DomainHealth['spf'];
  advice: string[];
}

const isSpf = (text: string) => /^v=spf1( |$)/i.test(text.trim());
const termsOf = (record: string) => record.trim().split(/ +/).slice(1).filter(Boolean);

interface Walk {
  lookups: number;
  /** Referenced records that make the whole evaluation a permerror (RFC 7208 §5.2, §6.1). */
  broken: string[];
  advice: string[];
}

export async function checkSpf(domain: string, resolver: DnsResolver): Promise<SpfCheck> {
  const records = (await txtRecords(resolver, domain)).filter(isSpf);
  if (records.length === 0) {
    return {
      spf: { verdict: 'missing', record: null, lookups: 0, all: null },
      advice: [`${domain} has no SPF record, so receiving servers cannot tell which servers may send its mail, and more of it lands in spam. Publish one TXT record listing the servers that send for you, ending in ~all or -all (for example "v=spf1 mx ~all").`],
    };
  }
  if (records.length > 1) {
    return {
      spf: { verdict: 'permerror', record: records.join(' | '), lookups: 0, all: null },
      advice: [`${domain} has ${records.length} SPF records; receivers treat more than one as an error (permerror) and ignore them all. Merge them into one record.`],
    };
  }
  const record = (records[0] as string).trim();
  const problem = syntax.validateTerms(termsOf(record));
  if (problem) {
    return { spf: { verdict: 'invalid', record, lookups: 0, all: null }, advice: [`The SPF record of ${domain} has a syntax error (${problem}), so receivers ignore it. Fix the record.`] };
  }
  const walk: Walk = { lookups: 0, broken: [], advice: [] };
  const all = await follow(record, resolver, walk, [domain.toLowerCase()]);
  const overLimit = walk.lookups > SPF_LOOKUP_LIMIT;
  const advice = [...walk.advice];
  if (overLimit) {
    advice.push(`The SPF record of ${domain} needs ${walk.lookups}${walk.lookups >= WALK_CAP ? ' or more' : ''} DNS lookups; the limit is ${SPF_LOOKUP_LIMIT} (RFC 7208), so receivers give up with a permerror and treat it as if there were no SPF. Replace some include: terms with the ip4:/ip6: ranges they stand for, or remove providers you no longer use.`);
  }
  advice.push(...walk.broken);
  const qualifierAdvice = adviceForAll(domain, all);
  if (qualifierAdvice) advice.push(qualifierAdvice);
  return { spf: { verdict: overLimit || walk.broken.length > 0 ? 'permerror' : 'pass', record, lookups: walk.lookups, all }, advice };
}

/**
 * Counts the lookups of one record and of every record it includes or redirects to, as an evaluation that matches
 * nothing would make them (a name included twice costs twice); returns the record's `all` qualifier.
 * `path` is the chain of domains that led here, to catch loops.
 */
async function follow(record: string, resolver: DnsResolver, walk: Walk, path: string[]): Promise<Qualifier | null> {
  let all: Qualifier | null = null;
  let redirect: string | null = null;
  const includes: string[] = [];
  for (const term of termsOf(record)) {
    const modifier = /^([a-z][a-z0-9._-]*)=(.*)$/i.exec(term);
    if (modifier) {
      if ((modifier[1] as string).toLowerCase() === 'redirect') {
        walk.lookups++;
        redirect = modifier[2] as string;
      }
      continue;
    }
    const mechanism = /^([+?~-]?)([a-z0-9]+)(.*)$/i.exec(term);
    if (!mechanism) continue;
    const name = (mechanism[2] as string).toLowerCase();
    if (name === 'all') all = ((mechanism[1] as string) || '+') as Qualifier;
    if (LOOKUP_MECHANISMS.has(name)) walk.lookups++;
    if (name === 'include') includes.push((mechanism[3] as string).slice(1));
  }
  for (const target of includes) await followTarget(target, 'include', resolver, walk, path);
  // RFC 7208 §6.1: redirect applies only when the record has no `all`; its record's `all` then decides.
  if (redirect !== null && all === null) return followTarget(redirect, 'redirect', resolver, walk, path);
  return all;
}

async function followTarget(target: string, how: 'include' | 'redirect', resolver: DnsResolver, walk: Walk, path: string[]): Promise<Qualifier | null> {
  const name = target.toLowerCase();
  // Macros (%{i}, ...) depend on the message being checked, and past the cap the verdict is already known.
  if (name.includes('%') || walk.lookups >= WALK_CAP) return null;
  if (path.includes(name)) {
    walk.broken.push(`The SPF records loop: ${[...path, name].join(' → ')}, which makes the SPF check a permerror. Remove the ${how} that leads back.`);
    return null;
  }
  let records: string[];
  try {
    records = (await txtRecords(resolver, name)).filter(isSpf);
  } catch (error) {
    walk.advice.push(`Could not read the SPF record of ${name} (${dnsFailure(name, error).message}); the lookup count may be incomplete.`);
    return null;
  }
  if (records.length !== 1) {
    walk.broken.push(`The ${how} of ${name} finds ${records.length === 0 ? 'no SPF record' : 'more than one SPF record'} there, which makes the whole SPF check a permerror. Remove or correct that ${how}.`);
    return null;
  }
  return follow(records[0] as string, resolver, walk, [...path, name]);
}

function adviceForAll(domain: string, all: Qualifier | null): string | null {
  switch (all) {
    case '-':
      return null;
    case '~':
      return `The SPF record of ${domain} ends in ~all (soft fail): mail from servers it does not list is marked as suspicious but not rejected. Once every server that sends your mail is listed, -all is stricter.`;
    case '+':
      return `The SPF record of ${domain} ends in +all, which lets every server in the world send as ${domain}. Change it to ~all or -all.`;
    case '?':
      return `The SPF record of ${domain} ends in ?all (neutral), which says nothing about other servers. Use ~all or -all.`;
    default:
      return `The SPF record of ${domain} has no "all" term, so mail from servers it does not list gets a neutral result. End it with ~all or -all.`;
  }
}
