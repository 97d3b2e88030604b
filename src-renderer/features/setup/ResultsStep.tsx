// What discovery found, or that it is still looking, or found nothing: each server in words, and the log of every lookup.

import { useId } from 'react';
import type { HeronError } from '../../../shared/errors';
import type { IncomingSettings, OutgoingSettings } from '../../../shared/model';
import type { DiscoveredServer, DiscoveryResult } from '../../../shared/setup';
import { ErrorNote } from '../accounts/ErrorNote';
import { DiscoveryLog } from './DiscoveryLog';
import { describeOrigin, describeSettings, foreignHosts } from './found-servers';
import { ServerAdvice } from './ServerAdvice';

export type DiscoveryState = { status: 'running' } | { status: 'done'; result: DiscoveryResult } | { status: 'failed'; error: HeronError };

export interface FoundChoice {
  incoming: number;
  outgoing: number;
}

/** One found server: its settings are the radio's name, where it came from and what it means its description. */
function FoundServer({ server, group, chosen, onChoose }: { server: DiscoveredServer<IncomingSettings | OutgoingSettings>; group: string | null; chosen: boolean; onChoose: () => void }) {
  const id = useId();
  const { settings } = server;
  const protocol = 'protocol' in settings ? settings.protocol : 'smtp';
  const details = (
    <div id={`${id}-details`}>
      <span className="hint">{describeOrigin(server)}</span>
      <ServerAdvice protocol={protocol} port={settings.port} security={settings.security} />
    </div>
  );
  // One result needs no choosing; several are offered best first, the first chosen.
  if (group === null) {
    return (
      <div className="found-server">
        <strong>{describeSettings(settings)}</strong>
        {details}
      </div>
    );
  }
  return (
    <div className="found-server choice">
      <input id={id} type="radio" name={group} checked={chosen} onChange={onChoose} aria-describedby={`${id}-details`} />
      <div>
        <label htmlFor={id}>
          <strong>{describeSettings(settings)}</strong>
        </label>
        {details}
      </div>
    </div>
  );
}

function ServerChoice<S extends IncomingSettings | OutgoingSettings>({ legend, servers, chosen, onChoose }: { legend: string; servers: DiscoveredServer<S>[]; chosen: number; onChoose: (index: number) => void }) {
  const group = useId();
  return (
    <fieldset className="found-servers">
      <legend>{legend}</legend>
      {servers.map((server, index) => (
        <FoundServer key={index} server={server} group={servers.length > 1 ? group : null} chosen={chosen === index} onChoose={() => onChoose(index)} />
      ))}
    </fieldset>
  );
}

export function ResultsStep({ domain, discovery, choice, onChoose }: { domain: string; discovery: DiscoveryState; choice: FoundChoice; onChoose: (choice: FoundChoice) => void }) {
  if (discovery.status === 'running') {
    return (
      <p role="status" className="discovering">
        Looking for the settings of {domain}: DNS records, autoconfig files, known providers and likely servers, all at once. This can take up to half a
        minute; you can configure the servers yourself meanwhile.
      </p>
    );
  }
  if (discovery.status === 'failed') {
    return (
      <>
        <p>Heron could not look for settings. Configure the servers yourself: your provider's help pages list them.</p>
        <ErrorNote error={discovery.error} />
      </>
    );
  }
  const { result } = discovery;
  const incoming = result.incoming[choice.incoming];
  const outgoing = result.outgoing[choice.outgoing];
  const elsewhere = foreignHosts(result.domain, [incoming?.settings.host ?? '', outgoing?.settings.host ?? '']);
  return (
    <>
      {result.incoming.length === 0 ? (
        <p>Heron found no settings for {result.domain}. Configure the servers yourself: your provider's help pages list them.</p>
      ) : (
        <>
          <ServerChoice legend="Incoming server" servers={result.incoming} chosen={choice.incoming} onChoose={(index) => onChoose({ ...choice, incoming: index })} />
          {result.outgoing.length > 0 ? (
            <ServerChoice legend="Outgoing server (SMTP)" servers={result.outgoing} chosen={choice.outgoing} onChoose={(index) => onChoose({ ...choice, outgoing: index })} />
          ) : (
            <p className="hint">No outgoing server was found: the account can receive mail. Add one with "Configure manually" to send.</p>
          )}
          {elsewhere.length > 0 && (
            <p className="hint elsewhere">
              {elsewhere.join(' and ')} {elsewhere.length === 1 ? 'is' : 'are'} not under {result.domain}. DNS answers are not authenticated: check that your
              provider really uses {elsewhere.length === 1 ? 'this server' : 'these servers'} before sending your password there.
            </p>
          )}
        </>
      )}
      <DiscoveryLog log={result.log} />
    </>
  );
}
