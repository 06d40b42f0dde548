import { useState } from 'react';
import { Button, Code, Stack } from '@mantine/core';
import { IconCloud, IconCloudPlus } from '@tabler/icons-react';
import type { ProviderView } from '../../../../shared/domain/providers';
import { DataTable } from '../../components/DataTable';
import { EmptyState } from '../../components/EmptyState';
import { PageHeader } from '../../components/PageHeader';
import { useAppStore } from '../../stores/app.store';
import { HypervisorsTable } from './HypervisorsTable';
import { providerColumns } from './provider-columns';
import { ProviderWizard } from './ProviderWizard';

/** The clouds: their table, the add-a-cloud wizard, and each cloud's hypervisors with their SSH settings. */
export function CloudsPage() {
  const providers = useAppStore((s) => s.providers);
  const [wizard, setWizard] = useState(false);
  const addButton = (
    <Button leftSection={<IconCloudPlus size={16} />} onClick={() => setWizard(true)}>
      Add a cloud
    </Button>
  );
  return (
    <Stack>
      <PageHeader title="Clouds">{providers.length > 0 && addButton}</PageHeader>
      <ProviderWizard opened={wizard} onClose={() => setWizard(false)} />
      {providers.length === 0 ? (
        <EmptyState icon={<IconCloud size={28} />} title="No cloud yet" action={addButton}>
          A cloud is a Keystone URL, a region and the credentials of its authentication domains: import an openrc or clouds.yaml file, or fill them
          in. From a terminal: <Code>backstack provider add --name prod --openrc ~/admin-openrc</Code>
        </EmptyState>
      ) : (
        <>
          <DataTable<ProviderView>
            testId="providers-table"
            rows={providers}
            columns={providerColumns}
            getRowId={(p) => p.id}
            height="auto"
            rowHeight={64}
            initialSort={[{ id: 'name', desc: false }]}
          />
          {providers.map((p) => (
            <HypervisorsTable key={p.id} provider={p} />
          ))}
        </>
      )}
    </Stack>
  );
}
