/**
 * POSIX shell quoting for commands sent to a remote host over SSH. The remote side always runs
 * the command through a shell (sshd hands it to `$SHELL -c`), so every word is quoted: a name
 * with spaces, quotes, `$()`, backticks, `;` or newlines reaches the program as one argument.
 */

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** One word for a POSIX shell: left bare when it is plainly safe, else single-quoted. */
export function shellQuote(word: string): string {
  if (typeof word !== 'string') throw new TypeError('shellQuote takes strings only');
  if (word.includes('\0')) throw new TypeError('A shell word cannot contain a NUL byte.');
  if (word !== '' && SAFE.test(word)) return word;
  // Inside single quotes nothing is special except the quote itself: close, escape it, reopen.
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A command line from an argument vector: each word quoted, joined by spaces. */
export function shellCommand(argv: readonly string[]): string {
  if (argv.length === 0) throw new TypeError('An empty command.');
  return argv.map(shellQuote).join(' ');
}
