import { Fragment, useMemo, useState } from 'react';
import { Button, Code, Stack } from '@mantine/core';
import { IconCloud, IconCloudPlus } from '@tabler/icons-react';
import type { ProviderView } from '../../../../shared/domain/providers';
import { DataTable } from '../../components/DataTable';
import { EmptyState } from '../../components/EmptyState';
import { PageHeader } from '../../components/PageHeader';
import { useAppStore } from '../../stores/app.store';
import { HypervisorsTable } from './HypervisorsTable';
import { ProxiesPanel } from './ProxiesPanel';
import { providerColumns } from './provider-columns';
import { ProviderWizard } from './ProviderWizard';

/** The clouds: their table, the wizard that adds or edits one, and each cloud's hypervisors with their SSH settings and its proxy VMs. */
export function CloudsPage() {
  const providers = useAppStore((s) => s.providers);
  // Closed, adding a cloud, or editing a saved one.
  const [wizard, setWizard] = useState<{ editing: ProviderView | null; opener: HTMLElement | null } | null>(null);
  // The wizard unmounts on close (no closing transition to return the focus): its opener gets it back here.
  const open = (editing: ProviderView | null) => setWizard({ editing, opener: document.activeElement instanceof HTMLElement ? document.activeElement : null });
  const close = () => {
    const opener = wizard?.opener;
    setWizard(null);
    requestAnimationFrame(() => opener?.isConnected && opener.focus());
  };
  const columns = useMemo(() => providerColumns((p) => open(p)), []);
  const addButton = (
    <Button leftSection={<IconCloudPlus size={16} />} onClick={() => open(null)}>
      Add a cloud
    </Button>
  );
  return (
    <Stack>
      <PageHeader title="Clouds">{providers.length > 0 && addButton}</PageHeader>
      {/* Mounted per opening: the wizard starts from the cloud it edits, or empty. */}
      {wizard && <ProviderWizard key={wizard.editing?.id ?? 'new'} opened editing={wizard.editing} onClose={close} />}
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
            <Fragment key={p.id}>
              <HypervisorsTable provider={p} />
              <ProxiesPanel provider={p} />
            </Fragment>
          ))}
        </>
      )}
    </Stack>
  );
}
