// Every server setting by hand: incoming IMAP or POP3, and outgoing SMTP.

import { IncomingFieldset, OutgoingFieldset } from './ServerFieldset';
import type { SetupForm } from './setup-form';

export function ManualStep({ form, onChange }: { form: SetupForm; onChange: (form: SetupForm) => void }) {
  return (
    <>
      <IncomingFieldset fields={form.incoming} onChange={(incoming) => onChange({ ...form, incoming })} />
      <OutgoingFieldset fields={form.outgoing} onChange={(outgoing) => onChange({ ...form, outgoing })} />
    </>
  );
}
