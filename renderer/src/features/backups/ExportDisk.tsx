import { useState } from 'react';
import { ActionIcon, Badge, Button, Checkbox, Code, CopyButton, Group, Modal, Paper, Stack, Text, TextInput, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy, IconPlayerStop, IconServer2, IconRestore } from '@tabler/icons-react';
import type { BackupView } from '../../../../shared/domain/backups';
import type { ExportView } from '../../../../shared/domain/exports';
import { formatBytes } from '../../../../shared/format';
import { call } from '../../api/client';
import { useQuery } from '../../api/useQuery';
import { useSubmit } from '../../api/useSubmit';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ModalFooter } from '../../components/ModalFooter';

/** A line to copy: the text as code, and a button that copies it. */
function CopyLine({ label, value }: { label: string; value: string }) {
  return (
    <Stack gap={2}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Group gap="xs" wrap="nowrap" align="flex-start">
        <Code block style={{ flex: 1, whiteSpace: 'pre-wrap', wordBreak: 'break-all' }} data-testid="copy-value">
          {value}
        </Code>
        <CopyButton value={value}>
          {({ copied, copy }) => (
            <Tooltip label={copied ? 'Copied' : 'Copy'} withArrow>
              <ActionIcon variant="subtle" color={copied ? 'teal' : 'gray'} onClick={copy} aria-label={`Copy ${label}`}>
                {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
              </ActionIcon>
            </Tooltip>
          )}
        </CopyButton>
      </Group>
    </Stack>
  );
}

/** How to reach a running export, and its Stop button. */
function Connection({ exp, onStop, onClose, stopping }: { exp: ExportView; onStop: () => void; onClose: () => void; stopping: boolean }) {
  return (
    <Stack gap="sm">
      <Text size="sm">
        {exp.writable
          ? 'Served writable: writes go to a temporary overlay that is deleted when the export stops; the restore point does not change.'
          : 'Served read-only.'}{' '}
        It runs on the machine Backstack runs on, until you stop it or Backstack stops.
        {exp.tls && ' TLS is required: CA_DIR below is a folder holding ca-cert.pem, the CA that signed the certificate.'}
      </Text>
      <CopyLine label="NBD URL" value={exp.url} />
      <CopyLine label="Look at it (qemu-utils)" value={exp.commands.qemuImg} />
      <CopyLine label="Attach it as /dev/nbd0 (Linux, root)" value={exp.commands.qemuNbd} />
      <CopyLine label="or with nbd-client" value={exp.commands.nbdClient} />
      <ModalFooter>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Close (keeps it running)
          </Button>
          <Button color="red" variant="light" leftSection={<IconPlayerStop size={14} />} onClick={onStop} loading={stopping}>
            Stop export
          </Button>
        </Group>
      </ModalFooter>
    </Stack>
  );
}

/** Starts an export of one disk (where to listen, writable or not), then shows how to connect. */
function ExportModal(props: { backup: BackupView; disk: string; running: ExportView | undefined; onClose: () => void; onChanged: () => void }) {
  const { backup, disk } = props;
  const [listen, setListen] = useState('');
  const [writable, setWritable] = useState(false);
  const [tls, setTls] = useState({ on: false, certFile: '', keyFile: '' });
  const start = useSubmit(() =>
    call('exports.start', {
      backupId: backup.id,
      destinationId: backup.destinationId,
      disk,
      writable,
      ...(listen.trim() ? { listen: listen.trim() } : {}),
      ...(tls.on ? { tls: { certFile: tls.certFile.trim(), keyFile: tls.keyFile.trim() } } : {}),
    }),
  );
  const stop = useSubmit((id: string) => call('exports.stop', { id }));
  const [started, setStarted] = useState<ExportView | null>(null);
  const exp = started ?? props.running;
  return (
    <Modal opened onClose={props.onClose} title={`Export ${disk} of ${backup.resourceName} as a block device`} size="lg">
      {exp ? (
        <>
          <Connection
            exp={exp}
            stopping={stop.busy}
            onClose={props.onClose}
            onStop={async () => {
              if ((await stop.run(exp.id)).ok) {
                props.onChanged();
                props.onClose();
              }
            }}
          />
          {stop.error && <ErrorAlert error={stop.error} title="The export could not be stopped" compact />}
        </>
      ) : (
        <Stack gap="sm">
          <Text size="sm">
            Serves the disk over NBD, read from the destination as clients ask for it (nothing is restored first), for qemu-img, qemu-nbd, nbd-client
            or a hypervisor to use.
          </Text>
          <TextInput
            label="Listen on"
            description="An address and port of the machine Backstack runs on. 127.0.0.1 lets only that machine connect; NBD has no login."
            placeholder="127.0.0.1:10809"
            value={listen}
            onChange={(e) => setListen(e.currentTarget.value)}
          />
          <Checkbox
            label="Writable"
            description="Accept writes into a temporary overlay, deleted when the export stops. The restore point never changes."
            checked={writable}
            onChange={(e) => setWritable(e.currentTarget.checked)}
          />
          <Checkbox
            label="Require TLS"
            description="Clients must start TLS and trust the certificate; files on the machine Backstack runs on."
            checked={tls.on}
            onChange={(e) => setTls({ ...tls, on: e.currentTarget.checked })}
          />
          {tls.on && (
            <Group grow align="flex-start">
              <TextInput
                label="Certificate (PEM file)"
                placeholder="/etc/pki/backstack/server-cert.pem"
                value={tls.certFile}
                onChange={(e) => setTls({ ...tls, certFile: e.currentTarget.value })}
              />
              <TextInput
                label="Private key (PEM file)"
                placeholder="/etc/pki/backstack/server-key.pem"
                value={tls.keyFile}
                onChange={(e) => setTls({ ...tls, keyFile: e.currentTarget.value })}
              />
            </Group>
          )}
          <ModalFooter>
            {start.error && <ErrorAlert error={start.error} title="The export could not start" compact />}
            <Group justify="flex-end" mt="sm">
              <Button variant="default" onClick={props.onClose}>
                Cancel
              </Button>
              <Button
                loading={start.busy}
                disabled={tls.on && !(tls.certFile.trim() && tls.keyFile.trim())}
                onClick={async () => {
                  const r = await start.run();
                  if (r.ok) {
                    setStarted(r.value);
                    props.onChanged();
                  }
                }}
              >
                Start export
              </Button>
            </Group>
          </ModalFooter>
        </Stack>
      )}
    </Modal>
  );
}

/**
 * The disks of a restore point, each with its running export (if any) and a way to start or show
 * one; with onRestoreDisk, each can also be restored alone as a new volume.
 */
export function DiskExports({ backup, onRestoreDisk }: { backup: BackupView; onRestoreDisk?: (disk: string) => void }) {
  const { data, reload } = useQuery('exports.list', {}, { tables: [] });
  const [open, setOpen] = useState<string | null>(null);
  const runningOf = (disk: string) =>
    data?.items.find((e) => e.backupId === backup.id && e.destinationId === backup.destinationId && e.disk === disk);
  return (
    <Stack gap={6}>
      {backup.disks.map((d) => {
        const exp = runningOf(d.name);
        return (
          <Paper key={d.name} withBorder p={6} data-testid={`disk-${d.name}`}>
            <Stack gap={4}>
              <Group justify="space-between" gap="xs" wrap="nowrap">
                <Text size="sm">
                  {d.name}: {formatBytes(d.size)}
                </Text>
                {exp && (
                  <Badge size="sm" variant="light" color="teal" style={{ flexShrink: 0 }}>
                    {['exported', exp.writable && 'writable', exp.tls && 'TLS'].filter(Boolean).join(', ')}
                  </Badge>
                )}
              </Group>
              {exp && (
                <Text size="xs" c="dimmed" truncate="end" title={exp.url}>
                  {exp.url}
                </Text>
              )}
              <Button
                size="compact-xs"
                variant="light"
                fullWidth
                justify="flex-start"
                leftSection={<IconServer2 size={12} />}
                onClick={() => setOpen(d.name)}
              >
                {exp ? 'Connection…' : 'Export as block device'}
              </Button>
              {onRestoreDisk && (
                <Button
                  size="compact-xs"
                  variant="subtle"
                  fullWidth
                  justify="flex-start"
                  leftSection={<IconRestore size={12} />}
                  onClick={() => onRestoreDisk(d.name)}
                >
                  Restore as volume…
                </Button>
              )}
            </Stack>
          </Paper>
        );
      })}
      {open && <ExportModal backup={backup} disk={open} running={runningOf(open)} onClose={() => setOpen(null)} onChanged={reload} />}
    </Stack>
  );
}
