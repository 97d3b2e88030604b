// Owns the lab's throwaway TLS certificate: one self-signed CA:TRUE cert for localhost and 127.0.0.1, made with openssl.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { run } from './processes';

export interface LabCertificate {
  certFile: string;
  keyFile: string;
  /** PEM of the certificate; clients pass it as `ca`, since it is its own trust anchor. */
  pem: string;
}

/**
 * The extensions matter: CA:TRUE lets Node/OpenSSL accept the cert as a trust anchor and as the leaf at once;
 * the SAN carries both names because Node checks IP SANs while mbsync checks only DNS names (lab.md).
 * A private config keeps the result independent of /etc/ssl/openssl.cnf.
 */
const OPENSSL_CONFIG = `[req]
distinguished_name = dn
x509_extensions = v3
prompt = no
[dn]
CN = localhost
O = Heron mail lab
[v3]
basicConstraints = critical,CA:TRUE
keyUsage = critical,digitalSignature,keyEncipherment,keyCertSign
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost,IP:127.0.0.1
subjectKeyIdentifier = hash
`;

/** Writes cert.pem and key.pem into `dir` (created if missing) and returns their paths and the cert PEM. */
export async function makeCertificate(dir: string): Promise<LabCertificate> {
  await mkdir(dir, { recursive: true });
  const configFile = path.join(dir, 'openssl.cnf');
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  await writeFile(configFile, OPENSSL_CONFIG);
  await run('openssl', [
    'req', '-x509', '-config', configFile, '-newkey', 'rsa:2048', '-nodes',
    '-keyout', keyFile, '-out', certFile, '-days', '3650', '-sha256',
  ]);
  return { certFile, keyFile, pem: await readFile(certFile, 'utf8') };
}
