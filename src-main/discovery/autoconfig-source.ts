// The autoconfig source: the domain's config-v1.1.xml from autoconfig.<domain> and from <domain>/.well-known, over HTTPS only.

import { readAutoconfig } from './autoconfig-xml';
import { describeServer } from './candidate';
import type { SourceContext } from './context';
import { FetchFailure, httpsGet } from './https-get';

/** Real autoconfig files are a few kilobytes; anything near this is not one. */
const MAX_BYTES = 64 * 1024;
const MAX_REDIRECTS = 3;

/** Both places Thunderbird's format is published, the dedicated host first. */
export function autoconfigUrls(domain: string): string[] {
  return [`https://autoconfig.${domain}/mail/config-v1.1.xml`, `https://${domain}/.well-known/autoconfig/mail/config-v1.1.xml`];
}

export async function findAutoconfig(context: SourceContext): Promise<void> {
  const { address, settings } = context;
  await Promise.all(
    autoconfigUrls(address.domain).map(async (url, index) => {
      const step = context.step(url);
      let body: string;
      let redirects: string[];
      try {
        ({ body, redirects } = await httpsGet(new URL(url), {
          hosts: context.hosts,
          port: settings.httpsPort,
          ca: settings.ca,
          signal: context.signal,
          maxBytes: MAX_BYTES,
          maxRedirects: MAX_REDIRECTS,
        }));
      } catch (error) {
        const failure = error instanceof FetchFailure ? error : new FetchFailure(String(error), 'failed');
        if (failure.kind === 'absent') step.nothing(failure.message);
        else step.failed(failure.message);
        return;
      }
      const via = redirects.length > 0 ? ` (redirected to ${redirects.join(', then ')})` : '';
      let content;
      try {
        content = readAutoconfig(body, address);
      } catch (error) {
        step.failed(`not a usable autoconfig file${via}: ${(error as Error).message}`);
        return;
      }
      const skipped = content.skipped.length > 0 ? `; left out: ${content.skipped.join('; ')}` : '';
      if (content.servers.length === 0) {
        step.nothing(`the file names no IMAP, POP3 or SMTP server${via}${skipped}`);
        return;
      }
      content.servers.forEach((server, order) =>
        // The first URL's servers rank before the second's; a file of MAX_BYTES cannot hold MAX_BYTES entries.
        context.propose({ ...server, port: settings.actualPort(server.port), source: 'autoconfig', verified: false, order: index * MAX_BYTES + order }),
      );
      step.found(`${content.servers.map((server) => `${describeServer(server)} as ${server.username}`).join('; ')}${via}${skipped}`);
    }),
  );
}
