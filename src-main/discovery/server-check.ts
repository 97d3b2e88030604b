// Connects to one server a source named or probing guessed, logs what it said, and tells what security it really offers.

import type { Security } from '../../shared/model';
import { PROTOCOL_LABEL, SECURITY_LABEL, type ServerSpec } from './candidate';
import { dnsProblem, type HostAddresses } from './dns';
import type { StartStep } from './log';
import type { DiscoverySettings } from './options';
import { ProbeFailure, probeServer } from './probe';

export interface CheckContext {
  settings: DiscoverySettings;
  hosts: HostAddresses;
  signal: AbortSignal;
}

/** How the log names a connection attempt: the standard port it stands for, and the real one when mapped. */
function attemptName(server: ServerSpec, nominal: number): string {
  const mapped = nominal === server.port ? '' : ` (at port ${server.port})`;
  const security = server.security === 'tls' ? SECURITY_LABEL.tls : 'plain, looking for STARTTLS';
  return `${PROTOCOL_LABEL[server.protocol]} ${server.host}:${nominal} ${security}${mapped}`;
}

/**
 * The security the server really offers on this port, or null when it did not answer (the log step says why).
 * A plain connection tells STARTTLS from no encryption at all; implicit TLS answers or not. `nominalPort` is the
 * standard port the attempt stands for, when the caller knows it (a port map may send several to one port).
 */
export async function checkServer(
  context: CheckContext,
  step: StartStep,
  server: ServerSpec,
  nominalPort = context.settings.nominalPort(server.port),
): Promise<Security | null> {
  const log = step(attemptName(server, nominalPort));
  let address: string | null;
  try {
    address = await context.hosts.of(server.host);
  } catch (error) {
    log.failed(`${server.host}: ${dnsProblem(error)}`);
    return null;
  }
  if (address === null) {
    log.nothing(`${server.host} has no address`);
    return null;
  }
  try {
    const answer = await probeServer(
      { ...server, address },
      { ca: context.settings.ca, timeoutMs: context.settings.probeTimeoutMs, signal: context.signal },
    );
    if (server.security === 'tls') {
      log.found(
        answer.untrustedCertificate
          ? `answered over SSL/TLS, but its certificate is not trusted: ${answer.untrustedCertificate}. Heron will show it for you to check before using it`
          : 'answered over SSL/TLS with a trusted certificate',
      );
      return 'tls';
    }
    if (answer.offersStartTls) {
      log.found('answered and offers STARTTLS');
      return 'starttls';
    }
    log.found('answered, but does not offer STARTTLS: the password and mail would travel unencrypted');
    return 'none';
  } catch (error) {
    const failure = error instanceof ProbeFailure ? error : new ProbeFailure(String(error), 'failed');
    if (failure.kind === 'absent') log.nothing(failure.message);
    else log.failed(failure.message);
    return null;
  }
}
