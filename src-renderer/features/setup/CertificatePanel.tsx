// An untrusted certificate, shown in full so the person can compare its fingerprint before trusting exactly this one.

import type { CertificateDetail } from '../../../shared/errors';
import { CertificateFields } from './CertificateFields';

export function CertificatePanel({ certificate, busy, onTrust }: { certificate: CertificateDetail; busy: boolean; onTrust: (fingerprint256: string) => void }) {
  return (
    <section className="certificate" aria-label="Untrusted certificate">
      <p>
        Compare this fingerprint with the one your provider or administrator gives you, and trust it only if they match. Heron then trusts exactly this
        certificate for this account: if the server later shows a different one, Heron stops again.
      </p>
      <dl>
        <dt>Server</dt>
        <dd>{certificate.host}</dd>
        <dt>Why it is not trusted</dt>
        <dd>{certificate.reason}</dd>
        <CertificateFields certificate={certificate} />
      </dl>
      <button type="button" disabled={busy} onClick={() => onTrust(certificate.fingerprint256)}>
        Trust this certificate and check again
      </button>
    </section>
  );
}
