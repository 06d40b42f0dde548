import { useState } from 'react';
import { Badge, Button, Group, Stack, Table, Text } from '@mantine/core';
import { IconDatabasePlus, IconLock } from '@tabler/icons-react';
import type { DestinationView } from '../../../../shared/domain/destinations';
import { CreateDestination } from '../destinations/CreateDestination';
import { DoneNote, StepFrame } from './StepFrame';

/** Step 3: where backups go, created with the Destinations page's dialog (encrypted by default, its recovery key shown once). */
export function DestinationSetup({ destinations }: { destinations: DestinationView[] }) {
  // Mounted throughout, so the dialog gives the focus back to its button itself.
  const [open, setOpen] = useState(false);
  return (
    <StepFrame
      title="Choose where backups go"
      intro="A destination is a folder on a local disk or an NFS or SMB mount. Backups in it are deduplicated across every instance and compressed. Encryption is on unless you turn it off: you choose a passphrase, and Backstack shows a recovery key once — store it away from this machine, it opens the backups if the passphrase is lost."
    >
      <CreateDestination opened={open} onClose={() => setOpen(false)} />
      {destinations.length > 0 ? (
        <Stack gap="sm">
          <DoneNote title={destinations.length === 1 ? 'A destination is ready' : `${destinations.length} destinations are ready`} />
          <Table withTableBorder data-testid="setup-destinations">
            <Table.Tbody>
              {destinations.map((d) => (
                <Table.Tr key={d.id}>
                  <Table.Td fw={600}>{d.name}</Table.Td>
                  <Table.Td c="dimmed">{d.path}</Table.Td>
                  <Table.Td>
                    <Group gap={6}>
                      {d.encrypted ? (
                        <Badge color="green" variant="light" leftSection={<IconLock size={12} />}>
                          encrypted
                        </Badge>
                      ) : (
                        <Badge color="orange" variant="light">
                          not encrypted
                        </Badge>
                      )}
                      {d.isDefault && <Badge variant="light">default</Badge>}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Button variant="default" w="fit-content" leftSection={<IconDatabasePlus size={16} />} onClick={() => setOpen(true)}>
            Add another destination
          </Button>
        </Stack>
      ) : (
        <Stack gap="xs" align="flex-start">
          <Button leftSection={<IconDatabasePlus size={16} />} onClick={() => setOpen(true)}>
            Create a destination…
          </Button>
          <Text size="xs" c="dimmed">
            Or add one that exists (another workstation&apos;s, or after a reinstall): its restore points are indexed.
          </Text>
        </Stack>
      )}
    </StepFrame>
  );
}
