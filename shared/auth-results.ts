// Reads SPF, DKIM and DMARC verdicts from Authentication-Results headers (RFC 8601), trusting only the person's own servers.

/** A method's verdict; 'absent' when no trusted header reported the method at all. */
export type AuthVerdict = 'pass' | 'fail' | 'softfail' | 'neutral' | 'none' | 'temperror' | 'permerror' | 'policy' | 'absent';

export interface AuthSummary {
  dmarc: AuthVerdict;
  spf: AuthVerdict;
  dkim: AuthVerdict;
  /** Headers whose authserv-id is not trusted: anyone can write such a header into a message before sending it. */
  ignored: number;
}

const METHODS = ['dmarc', 'spf', 'dkim'] as const;
type Method = (typeof METHODS)[number];

const KNOWN: ReadonlySet<string> = new Set(['pass', 'fail', 'softfail', 'neutral', 'none', 'temperror', 'permerror', 'policy']);

/** RFC 7601 names some results differently; old SPF implementations still write them. */
const ALIASES: Record<string, AuthVerdict> = { hardfail: 'fail', 'temp-error': 'temperror', 'perm-error': 'permerror' };

function verdictOf(word: string): AuthVerdict {
  const lower = word.toLowerCase();
  if (KNOWN.has(lower)) return lower as AuthVerdict;
  // A word this parser does not know proves nothing either way.
  return ALIASES[lower] ?? 'neutral';
}

/** Removes (comments), which may nest, leaving quoted strings (where parentheses are text) intact. */
export function stripComments(value: string): string {
  let out = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const char = value[i] as string;
    if (char === '\\' && (quoted || depth > 0)) {
      if (depth === 0) out += char + (value[i + 1] ?? '');
      i++;
      continue;
    }
    if (depth === 0 && char === '"') quoted = !quoted;
    else if (!quoted && char === '(') {
      depth++;
      continue;
    } else if (!quoted && char === ')' && depth > 0) {
      depth--;
      if (depth === 0) out += ' ';
      continue;
    }
    if (depth === 0) out += char;
  }
  return out;
}

/** Splits on ';' outside quoted strings. */
function splitStatements(value: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const char = value[i] as string;
    if (char === '\\' && quoted) {
      current += char + (value[i + 1] ?? '');
      i++;
      continue;
    }
    if (char === '"') quoted = !quoted;
    if (char === ';' && !quoted) {
      parts.push(current);
      current = '';
    } else current += char;
  }
  parts.push(current);
  return parts.map((part) => part.trim());
}

function unquote(token: string): string {
  return token.startsWith('"') && token.endsWith('"') && token.length >= 2 ? token.slice(1, -1).replace(/\\(.)/g, '$1') : token;
}

export interface ParsedAuthHeader {
  authservId: string;
  results: { method: string; verdict: AuthVerdict }[];
}

/** One header value: its authserv-id and every "method=result" it states; null when it has no authserv-id. */
export function parseAuthHeader(value: string): ParsedAuthHeader | null {
  const [head = '', ...statements] = splitStatements(stripComments(value.replace(/\r?\n[ \t]*/g, ' ')));
  const id = /^("(?:[^"\\]|\\.)*"|[^\s"]+)/.exec(head)?.[1];
  if (!id) return null;
  const results: ParsedAuthHeader['results'] = [];
  for (const statement of statements) {
    const match = /^([a-z0-9_-]+)\s*(?:\/\s*\d+\s*)?=\s*([a-z0-9_-]+)/i.exec(statement);
    if (match) results.push({ method: (match[1] as string).toLowerCase(), verdict: verdictOf(match[2] as string) });
  }
  return { authservId: unquote(id).toLowerCase(), results };
}

/**
 * Summarizes the headers whose authserv-id is one of `trustedIds` (case-insensitive); every other header is
 * counted in `ignored` and has no effect. Headers are given top first, the order the message carries them: a
 * receiving server prepends its own, so for each method the topmost trusted header that reports it wins. Within
 * that header, several results for one method (a message signed twice) pass if any passes.
 */
export function parseAuthResults(values: readonly string[], trustedIds: readonly string[]): AuthSummary {
  const trusted = new Set(trustedIds.map((id) => id.trim().toLowerCase()).filter((id) => id !== ''));
  const summary: AuthSummary = { dmarc: 'absent', spf: 'absent', dkim: 'absent', ignored: 0 };
  const decided = new Set<Method>();
  for (const value of values) {
    const header = parseAuthHeader(value);
    if (!header || !trusted.has(header.authservId)) {
      summary.ignored++;
      continue;
    }
    for (const method of METHODS) {
      if (decided.has(method)) continue;
      const verdicts = header.results.filter((r) => r.method === method).map((r) => r.verdict);
      if (verdicts.length === 0) continue;
      summary[method] = verdicts.includes('pass') ? 'pass' : (verdicts[0] as AuthVerdict);
      decided.add(method);
    }
  }
  return summary;
}
