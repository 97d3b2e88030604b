// A certificate's identity as a person compares it: subject, issuer, validity and SHA-256 fingerprint (rows of a <dl>).

type Identity = { subject: string; issuer: string; validFrom: string; validTo: string; fingerprint256: string; altNames?: string };

export function CertificateFields({ certificate }: { certificate: Identity }) {
  return (
    <>
      <dt>Subject</dt>
      <dd>{certificate.subject}</dd>
      <dt>Issuer</dt>
      <dd>{certificate.issuer}</dd>
      {certificate.altNames && (
        <>
          <dt>Names</dt>
          <dd>{certificate.altNames}</dd>
        </>
      )}
      <dt>Valid</dt>
      <dd>
        {certificate.validFrom} to {certificate.validTo}
      </dd>
      <dt>SHA-256 fingerprint</dt>
      <dd className="fingerprint">{certificate.fingerprint256}</dd>
    </>
  );
}
