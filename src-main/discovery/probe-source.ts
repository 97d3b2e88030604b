// The probing source: likely host names on the standard ports, keeping every server that answers.

import type { Protocol, Security } from '../../shared/model';
import type { SourceContext } from './context';
import { dnsProblem } from './dns';
import { checkServer } from './server-check';

interface Service {
  protocol: Protocol;
  /** The standard port (RFC 8314, RFC 6409; 25 because some hosts accept submission only there). */
  port: number;
  /** 'tls' is implicit TLS; 'starttls' is a plain connection, which may turn out to offer no encryption. */
  security: Security;
}

const IMAP: Service[] = [
  { protocol: 'imap', port: 993, security: 'tls' },
  { protocol: 'imap', port: 143, security: 'starttls' },
];
const POP3: Service[] = [
  { protocol: 'pop3', port: 995, security: 'tls' },
  { protocol: 'pop3', port: 110, security: 'starttls' },
];
const SMTP: Service[] = [
  { protocol: 'smtp', port: 465, security: 'tls' },
  { protocol: 'smtp', port: 587, security: 'starttls' },
  { protocol: 'smtp', port: 25, security: 'starttls' },
];

/** Which services to try on which host; the order (most specific names first) breaks ties in ranking. */
export function probePlan(domain: string): Array<{ host: string; services: Service[] }> {
  return [
    { host: `imap.${domain}`, services: IMAP },
    { host: `pop.${domain}`, services: POP3 },
    { host: `pop3.${domain}`, services: POP3 },
    { host: `smtp.${domain}`, services: SMTP },
    { host: `mail.${domain}`, services: [...IMAP, ...POP3, ...SMTP] },
    { host: domain, services: [...IMAP, ...POP3, ...SMTP] },
  ];
}

export async function probeLikelyHosts(context: SourceContext): Promise<void> {
  const { address, settings } = context;
  await Promise.all(
    probePlan(address.domain).map(async ({ host, services }, order) => {
      const lookup = context.step(`${host} address`);
      let resolved: string | null;
      try {
        resolved = await context.hosts.of(host);
      } catch (error) {
        lookup.failed(`${dnsProblem(error)}, so its ports were not tried`);
        return;
      }
      if (resolved === null) {
        lookup.nothing('no such host, so its ports were not tried');
        return;
      }
      lookup.found(resolved);
      await Promise.all(
        services.map(async (service) => {
          const server = { protocol: service.protocol, host, port: settings.actualPort(service.port), security: service.security };
          const security = await checkServer(context, context.step, server, service.port);
          if (security) context.propose({ ...server, security, username: address.email, source: 'probe', verified: true, order });
        }),
      );
    }),
  );
}
