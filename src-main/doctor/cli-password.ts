// The doctor CLI's password: from HERON_DOCTOR_PASSWORD, or typed at a terminal without echo; never from argv.

export const PASSWORD_ENV = 'HERON_DOCTOR_PASSWORD';

/** null when there is no user to log in as, or no way to ask (no variable, no terminal): the login step is then skipped. */
export async function doctorPassword(username: string | undefined): Promise<string | null> {
  if (!username) return null;
  const fromEnv = process.env[PASSWORD_ENV];
  if (fromEnv) return fromEnv;
  if (!process.stdin.isTTY) return null;
  return promptHidden(`Password for ${username}: `);
}

function promptHidden(question: string): Promise<string> {
  const input = process.stdin;
  process.stderr.write(question);
  input.setRawMode(true);
  input.setEncoding('utf8');
  input.resume();
  return new Promise((resolve) => {
    let typed = '';
    const finish = (result: string | null) => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      process.stderr.write('\n');
      if (result === null) process.exit(130);
      resolve(result);
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') return finish(typed);
        if (char === '\u0003') return finish(null); // Ctrl-C: raw mode swallows SIGINT
        if (char === '\u007f' || char === '\b') typed = typed.slice(0, -1);
        else typed += char;
      }
    };
    input.on('data', onData);
  });
}
