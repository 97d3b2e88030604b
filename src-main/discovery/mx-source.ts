// The MX source: the domain's mail exchangers, when they belong to a provider in the built-in table (hosted custom domains).

import type { MxRecord } from 'node:dns';
import type { SourceContext } from './context';
import { dnsProblem, isNoRecord } from './dns';
import { proposeProvider, withNote } from './provider-source';
import { providerForMx } from './providers';

export async function findByMx(context: SourceContext): Promise<void> {
  const { domain } = context.address;
  const step = context.step(`${domain} MX`);
  let records: MxRecord[];
  try {
    records = await context.resolver.resolveMx(domain);
  } catch (error) {
    if (isNoRecord(error)) step.nothing('no MX record');
    else step.failed(dnsProblem(error));
    return;
  }
  const hosts = [...records].sort((a, b) => a.priority - b.priority).map((record) => record.exchange);
  for (const host of hosts) {
    const provider = providerForMx(host);
    if (!provider) continue;
    proposeProvider(context, provider, 'mx');
    step.found(withNote(`mail for ${domain} goes to ${host}, which is ${provider.name}`, provider));
    return;
  }
  step.nothing(hosts.length > 0 ? `mail goes to ${hosts.join(', ')}, which is no provider Heron knows` : 'no MX record');
}
