// What every discovery source is handed: the address, settings, DNS, its log steps, its stop signal, and where proposals go.

import type { Resolver } from 'node:dns/promises';
import type { EmailAddress } from './address';
import type { Candidate } from './candidate';
import type { HostAddresses } from './dns';
import type { StartStep } from './log';
import type { DiscoverySettings } from './options';

export interface SourceContext {
  address: EmailAddress;
  settings: DiscoverySettings;
  resolver: Resolver;
  hosts: HostAddresses;
  /** Starts a log step for this source; it closes as failed when the source is stopped. */
  step: StartStep;
  /** Aborts when the source's own time limit or the whole discovery's passes. */
  signal: AbortSignal;
  /** Hands a proposal to discovery (ignored once the source was stopped); named servers are then checked. */
  propose(candidate: Candidate): void;
}
