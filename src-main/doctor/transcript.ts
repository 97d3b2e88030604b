// The doctor's protocol transcript: every line both ways, with credentials replaced before anything is kept.

export const REDACTED = '<redacted>';

/** The forms a password can take on the wire: as typed, and base64-encoded inside SASL payloads. */
export function secretForms(username: string, password: string): string[] {
  const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
  return [password, b64(password), b64(`\0${username}\0${password}`)].filter((form) => form.length > 0);
}

export class Transcript {
  private readonly lines: string[] = [];
  private readonly secrets: string[];

  constructor(secrets: string[] = []) {
    // Longest first, so a payload containing the password is replaced whole.
    this.secrets = [...secrets].sort((a, b) => b.length - a.length);
  }

  /** `shown` is what the transcript keeps when the line carries a credential (e.g. `a1 LOGIN "alice" <redacted>`). */
  client(line: string, shown = line): void {
    this.lines.push(`C: ${this.redact(shown)}`);
  }

  server(line: string): void {
    this.lines.push(`S: ${this.redact(line)}`);
  }

  /** A safety net under the explicit `shown` forms: any secret that still appears in `text` is replaced. */
  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join(REDACTED);
    return out;
  }

  toLines(): string[] {
    return [...this.lines];
  }
}

/** The same safety net over a whole value (a report): every string in it, error details and quoted server replies too. */
export function scrubSecrets<T>(value: T, transcript: Transcript): T {
  const walk = (item: unknown): unknown => {
    if (typeof item === 'string') return transcript.redact(item);
    if (Array.isArray(item)) return item.map(walk);
    if (item && typeof item === 'object') return Object.fromEntries(Object.entries(item).map(([key, inner]) => [key, walk(inner)]));
    return item;
  };
  return walk(value) as T;
}
