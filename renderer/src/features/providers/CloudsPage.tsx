import { useMemo, useState } from 'react';
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

/** The clouds: their table, the wizard that adds or edits one, and each cloud's hypervisors with their SSH settings. */
export function CloudsPage() {
  const providers = useAppStore((s) => s.providers);
  // Closed, adding a cloud, or editing a saved one.
  const [wizard, setWizard] = useState<{ editing: ProviderView | null } | null>(null);
  const columns = useMemo(() => providerColumns((p) => setWizard({ editing: p })), []);
  const addButton = (
    <Button leftSection={<IconCloudPlus size={16} />} onClick={() => setWizard({ editing: null })}>
      Add a cloud
    </Button>
  );
  return (
    <Stack>
      <PageHeader title="Clouds">{providers.length > 0 && addButton}</PageHeader>
      {/* Mounted per opening: the wizard starts from the cloud it edits, or empty. */}
      {wizard && <ProviderWizard key={wizard.editing?.id ?? 'new'} opened editing={wizard.editing} onClose={() => setWizard(null)} />}
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
            columns={columns}
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
