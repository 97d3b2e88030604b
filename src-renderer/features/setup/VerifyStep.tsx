// Really connecting with the chosen settings: each server's outcome, the certificate question, and the doctor on failure.

import type { EngineApi } from '../../../shared/contract';
import type { CertificateDetail } from '../../../shared/errors';
import type { IncomingSettings, OutgoingSettings } from '../../../shared/model';
import type { DoctorTarget } from '../../../shared/setup';
import { ErrorNote } from '../accounts/ErrorNote';
import { CertificatePanel } from './CertificatePanel';
import { ConnectionDoctor } from './ConnectionDoctor';
import { describeSettings } from './found-servers';
import type { ServerCheck, Verification } from './verification';

const MARKS: Record<ServerCheck['status'], string> = { waiting: '…', checking: '…', ok: '✓', failed: '✗', skipped: '–', none: '–' };
const STATUS_WORDS: Record<ServerCheck['status'], string> = {
  waiting: 'Waiting',
  checking: 'Checking…',
  ok: 'Works',
  failed: 'Failed',
  skipped: 'Not checked: the incoming server failed first',
  none: 'None',
};

/** What each check needs besides its own server. */
interface CheckContext {
  engine: EngineApi;
  password: string;
  pinnedFingerprint256: string | null;
  busy: boolean;
  onTrust: (fingerprint256: string) => void;
}

interface Props extends CheckContext {
  incoming: IncomingSettings;
  outgoing: OutgoingSettings | null;
  verification: Verification;
}

/**
 * One server's check. Only the incoming server's certificate can be trusted here: an account pins one certificate,
 * the engine pins the incoming server's, and the outgoing check uses that same pin.
 */
function CheckResult({ label, settings, target, check, canTrust, context }: { label: string; settings: IncomingSettings | OutgoingSettings; target: DoctorTarget; check: ServerCheck; canTrust: boolean; context: CheckContext }) {
  const certificate = canTrust && check.status === 'failed' && check.error.code === 'certificate-untrusted' ? (check.error.detail as CertificateDetail | undefined) : undefined;
  return (
    <li className={`check ${check.status}`}>
      <p>
        <span className="mark" aria-hidden="true">
          {MARKS[check.status]}
        </span>{' '}
        <strong>{label}:</strong> {describeSettings(settings)}. <span className="status">{STATUS_WORDS[check.status]}</span>
        {check.status === 'ok' && <> — {check.summary}</>}
      </p>
      {check.status === 'failed' && (
        <>
          <ErrorNote error={check.error} />
          {certificate && <CertificatePanel certificate={certificate} busy={context.busy} onTrust={context.onTrust} />}
          <ConnectionDoctor engine={context.engine} target={target} password={context.password} pinnedFingerprint256={context.pinnedFingerprint256} label={label.toLowerCase()} />
        </>
      )}
    </li>
  );
}

export function VerifyStep({ incoming, outgoing, verification, ...context }: Props) {
  const checking = verification.incoming.status === 'checking' || verification.outgoing.status === 'checking';
  return (
    <>
      <p className="visually-hidden" role="status">
        {checking ? 'Checking the connection…' : ''}
      </p>
      <ul className="checks" aria-label="Connection checks">
        <CheckResult label="Incoming server" settings={incoming} check={verification.incoming} target={incoming} canTrust context={context} />
        {outgoing && <CheckResult label="Outgoing server" settings={outgoing} check={verification.outgoing} target={{ protocol: 'smtp', ...outgoing }} canTrust={false} context={context} />}
      </ul>
      {verification.outgoing.status === 'failed' && verification.incoming.status === 'ok' && (
        <p className="hint">Receiving mail works. Sending will fail until the outgoing server is right: change the settings, or add the account anyway.</p>
      )}
    </>
  );
}
