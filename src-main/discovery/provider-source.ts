// The provider source: the built-in table looked up by the address's domain.

import type { DiscoverySource } from '../../shared/setup';
import { usernameFor } from './address';
import type { SourceContext } from './context';
import { providerForDomain, type Provider } from './providers';

/** Proposes a provider's servers, usernames filled in, for the provider or the MX source. */
export function proposeProvider(context: SourceContext, provider: Provider, source: DiscoverySource): void {
  provider.servers.forEach((server, order) =>
    context.propose({
      protocol: server.protocol,
      host: server.host,
      port: context.settings.actualPort(server.port),
      security: server.security,
      username: usernameFor(server.username, context.address),
      source,
      verified: false,
      order,
    }),
  );
}

/** A log detail with the provider's note (app passwords and the like) after it. */
export function withNote(text: string, provider: Provider): string {
  return provider.note ? `${text}. ${provider.note}` : text;
}

export async function findInProviderTable(context: SourceContext): Promise<void> {
  const { domain } = context.address;
  const step = context.step(`built-in settings for ${domain}`);
  const provider = providerForDomain(domain);
  if (!provider) {
    step.nothing(`${domain} is not one of the providers Heron knows`);
    return;
  }
  proposeProvider(context, provider, 'provider');
  step.found(withNote(`${domain} is ${provider.name}`, provider));
}
