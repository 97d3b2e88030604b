// The warning before anything goes out unencrypted: what is exposed, to which server, and the box the person must tick.

import { useId } from 'react';
import { unencryptedWarning, type UnencryptedServer } from './unencrypted';

export function UnencryptedWarning({ servers, acknowledged, onAcknowledge }: { servers: UnencryptedServer[]; acknowledged: boolean; onAcknowledge: (yes: boolean) => void }) {
  const id = useId();
  const text = unencryptedWarning(servers);
  if (!text) return null;
  return (
    <div className="warning" role="alert">
      <p>
        <strong>{text}</strong>
      </p>
      <div className="checkbox">
        <input id={id} type="checkbox" checked={acknowledged} onChange={(e) => onAcknowledge(e.target.checked)} />
        <label htmlFor={id}>I understand my password and mail will be sent unencrypted</label>
      </div>
    </div>
  );
}
