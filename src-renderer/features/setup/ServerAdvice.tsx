// Under each server's settings: what the chosen security does with the password and mail, and any likely mistake.

import type { Protocol, Security } from '../../../shared/model';
import { classifyConnection } from '../../../shared/security-classification';

export function ServerAdvice({ id, protocol, port, security }: { id?: string; protocol: Protocol; port: number; security: Security }) {
  const { explanation, mistakes, exposed } = classifyConnection(protocol, port, security);
  return (
    <div className="server-advice" id={id}>
      <p className={exposed.length > 0 ? 'explanation exposed' : 'explanation'}>{explanation}</p>
      {mistakes.length > 0 && (
        <ul className="mistakes">
          {mistakes.map((m) => (
            <li key={m.code} data-code={m.code}>
              {m.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
