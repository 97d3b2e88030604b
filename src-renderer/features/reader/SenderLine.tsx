// The From line with what Heron can vouch for: a verified mark on DMARC pass, clear warnings on failure and display-name tricks.

import type { AuthSummary } from '../../../shared/auth-results';
import type { Address } from '../../../shared/model';
import { domainOf, senderWarnings } from './sender';

function methodText(summary: AuthSummary): string | null {
  const parts = (['spf', 'dkim', 'dmarc'] as const).filter((m) => summary[m] !== 'absent').map((m) => `${m.toUpperCase()} ${summary[m]}`);
  return parts.length > 0 ? parts.join(' · ') : null;
}

export function SenderLine({ from, auth, checkedBy }: { from: readonly Address[]; auth: AuthSummary; checkedBy: string }) {
  const sender = from[0];
  const warnings = senderWarnings(from);
  const methods = methodText(auth);
  return (
    <>
      <p className="reader-from">
        <span className="label">From</span>{' '}
        {sender ? (
          <>
            {sender.name && <strong className="sender-name">{sender.name}</strong>} <span className="sender-address">&lt;{sender.address}&gt;</span>
          </>
        ) : (
          <span className="sender-address">(no sender)</span>
        )}
        {auth.dmarc === 'pass' && sender && (
          <span className="auth-verified" title={`${checkedBy} checked that this message really comes from ${domainOf(sender.address)} (DMARC pass).`}>
            ✓ Verified sender
          </span>
        )}
      </p>
      {auth.dmarc === 'fail' && (
        <p className="warning" role="alert">
          <strong>Authentication failed:</strong> this message did not pass the DMARC check of {sender ? domainOf(sender.address) : 'its sender'}. It may not
          really be from {sender ? sender.address : 'who it claims'}.
        </p>
      )}
      {warnings.map((warning) => (
        <p className="warning" role="alert" key={warning}>
          {warning}
        </p>
      ))}
      {methods && <p className="auth-details">{`${methods} (checked by ${checkedBy})`}</p>}
    </>
  );
}
