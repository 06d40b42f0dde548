import { CONSOLE_EXCERPT_LINES } from '../../../shared/domain/restore-verify';

/**
 * What a console log says about a boot: the lines that show an OS came up, and the excerpt kept
 * as evidence (secrets withheld). Pure, so the rules are tested on their own.
 */

/** Signs an OS came up, as guests print them on their serial console. */
const BOOT_MARKERS: { re: RegExp; what: string }[] = [
  { re: /\blogin:\s*$/, what: 'a login prompt' },
  { re: /Cloud-init v\. \S+ finished/, what: 'cloud-init finished' },
  { re: /Reached target .*(Multi-User|Login Prompts|Graphical Interface|Cloud-init target)/, what: 'systemd reached its multi-user target' },
  // a guest's own "ready" line (the lab's guests print "labvm: READY …")
  { re: /\bREADY\b/, what: 'the guest reported READY' },
];

/** What shows the OS came up, with the line that shows it; null when nothing does yet. */
export function bootEvidence(consoleText: string): string | null {
  const lines = cleanLines(consoleText);
  for (const m of BOOT_MARKERS) {
    const line = lines.find((l) => m.re.test(l));
    if (line) return `${m.what} on the console ("${withheld(line) ? 'line withheld' : line.trim().slice(0, 120)}")`;
  }
  return null;
}

const SECRET = /pass(word|wd|phrase)?\b|secret|token|private key|BEGIN [A-Z ]*PRIVATE|api[_-]?key|credential/i;
const withheld = (line: string) => SECRET.test(line);

/** The last lines of the console (at most 20), control characters removed, lines that may hold a secret withheld. */
export function consoleExcerpt(consoleText: string, lines = CONSOLE_EXCERPT_LINES): string[] {
  const all = cleanLines(consoleText);
  while (all.length && !all[all.length - 1]!.trim()) all.pop();
  return all.slice(-lines).map((l) => (withheld(l) ? '[line withheld: it may hold a secret]' : l.slice(0, 400)));
}

function cleanLines(text: string): string[] {
  return (
    text
      // eslint-disable-next-line no-control-regex -- terminal colour codes and other control characters are not evidence
      .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')
      .split(/\r?\n/)
      // eslint-disable-next-line no-control-regex
      .map((l) => l.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '').trimEnd())
  );
}
