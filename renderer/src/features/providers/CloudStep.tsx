import { Alert, FileButton, Group, Button, Radio, Select, Stack, Switch, Text } from '@mantine/core';
import { IconFileImport } from '@tabler/icons-react';
import { useState } from 'react';
import { EndpointInterface, type OfferedStrategy } from '../../../../shared/domain/providers';
import { listClouds, parseCloudsYaml, parseOpenrc, type ProviderDraft } from '../../../../shared/providers/import';
import { FormFields, type FieldRow } from '../../components/FormFields';
import { emptyDomain, type WizardDraft } from './wizard-state';

type TextKey = 'name' | 'authUrl' | 'region' | 'endpointInterface' | 'caFile';

/** Where the cloud is. */
const WHERE: FieldRow<TextKey>[] = [
  { key: 'name', label: 'Name', description: 'How this cloud appears in Backstack', required: true },
  { key: 'authUrl', label: 'Keystone URL', placeholder: 'https://keystone.example.com:5000/v3', required: true },
  [
    { key: 'region', label: 'Region', description: 'One cloud per region', required: true },
    {
      key: 'endpointInterface',
      label: 'Endpoint interface',
      description: 'Which endpoints of the catalog to use',
      options: EndpointInterface.options,
    },
  ],
];
const TRUST: FieldRow<TextKey>[] = [
  { key: 'caFile', label: 'CA bundle (optional)', description: "A PEM file on this machine with the CA that signed the cloud's certificates" },
];

/** What a file says replaces the form's values; editing a saved cloud, its first domain's stored secret stays unless the file gives one. */
function applyDraft(d: WizardDraft, p: ProviderDraft): WizardDraft {
  const a = p.authDomain;
  const first = d.authDomains[0];
  return {
    ...d,
    authUrl: p.authUrl ?? d.authUrl,
    region: p.region ?? d.region,
    endpointInterface: p.endpointInterface ?? d.endpointInterface,
    caFile: p.caFile ?? d.caFile,
    authDomains: [
      {
        ...emptyDomain(a.name ?? 'Default'),
        id: first?.id ?? null,
        stored: first?.stored ?? null,
        kind: a.applicationCredential ? 'applicationCredential' : a.password ? 'password' : (first?.stored ?? 'password'),
        domainId: a.domainId ?? '',
        userName: a.userName ?? '',
        userDomain: a.userDomain ?? '',
        password: a.password ?? '',
        appCredId: a.applicationCredential?.id ?? '',
        appCredSecret: a.applicationCredential?.secret ?? '',
        defaultProject: a.defaultProject ?? '',
      },
    ],
  };
}

export function CloudStep({ draft, onChange }: { draft: WizardDraft; onChange: (d: WizardDraft) => void }) {
  const [importError, setImportError] = useState<string | null>(null);
  const [yaml, setYaml] = useState<{ text: string; clouds: string[] } | null>(null);
  const set = (k: TextKey, v: string) => onChange({ ...draft, [k]: v });

  const importFile = async (file: File | null) => {
    if (!file) return;
    setImportError(null);
    const text = await file.text();
    try {
      if (/^\s*clouds\s*:/m.test(text)) {
        const clouds = listClouds(text);
        if (clouds.length === 1) onChange(applyDraft(draft, parseCloudsYaml(text, clouds[0]!)));
        else setYaml({ text, clouds });
      } else {
        onChange(applyDraft(draft, parseOpenrc(text)));
      }
    } catch (e) {
      setImportError((e as Error).message);
    }
  };

  return (
    <Stack>
      <Group>
        <FileButton onChange={(f) => void importFile(f)} accept=".sh,.rc,.yaml,.yml,text/plain,*">
          {(props) => (
            <Button variant="light" leftSection={<IconFileImport size={16} />} {...props}>
              Import an openrc or clouds.yaml file
            </Button>
          )}
        </FileButton>
        <Text size="sm" c="dimmed">
          Fills the URL, region, user and project; nothing in the file is executed.
        </Text>
      </Group>
      {yaml && (
        <Select
          label="Cloud from clouds.yaml"
          data={yaml.clouds}
          placeholder="Choose a cloud"
          onChange={(c) => {
            if (c) onChange(applyDraft(draft, parseCloudsYaml(yaml.text, c)));
            setYaml(null);
          }}
        />
      )}
      {importError && <Alert color="red">{importError}</Alert>}
      <FormFields rows={WHERE} values={draft} onChange={set} />
      <StrategyChoice value={draft.strategy} onChange={(strategy) => onChange({ ...draft, strategy })} />
      <FormFields rows={TRUST} values={draft} onChange={set} />
      <Switch
        label="Trust certificates"
        description="For self-signed certificates: check the fingerprint on the test step and pin it; a later change is refused"
        checked={draft.trustCertificates}
        onChange={(e) => onChange({ ...draft, trustCertificates: e.currentTarget.checked })}
      />
    </Stack>
  );
}

/** What each strategy needs from the cloud, and what it gives. */
const STRATEGIES: { value: OfferedStrategy; label: string; needs: string }[] = [
  {
    value: 'libvirt-ssh',
    label: 'libvirt over SSH',
    needs:
      "Reads each instance's disks, attached volumes included, straight from its KVM hypervisor: needs SSH to every compute host (given after the first sync). Incremental backups move only what changed.",
  },
  {
    value: 'disk-attachment',
    label: 'Disk attachment (proxy VM)',
    needs:
      "Needs no hypervisor access: each instance's disks are snapshotted in the cloud (an image-booted root disk through a Nova image), attached to a proxy VM of this cloud as temporary volumes and read there over SSH (the proxy is added on the Clouds page once the cloud is saved; it needs python3). Incremental backups move only the blocks that changed.",
  },
  {
    value: 'image-transfer',
    label: 'Image transfer (Glance)',
    needs:
      "Needs no hypervisor access, only this account's right to snapshot servers and download images: Nova snapshots the instance, Backstack downloads the image and deletes it. The root disk of image-booted instances; the whole disk crosses the network every time, the destination stores only what changed.",
  },
];

/** How backups of this cloud read disks (`backstack backup run --strategy` chooses for one backup). */
function StrategyChoice({ value, onChange }: { value: OfferedStrategy; onChange: (v: OfferedStrategy) => void }) {
  return (
    <Radio.Group label="How backups read disks" value={value} onChange={(v) => onChange(v as OfferedStrategy)}>
      <Stack gap="xs" mt={4}>
        {STRATEGIES.map((s) => (
          <Radio key={s.value} value={s.value} label={s.label} description={s.needs} />
        ))}
      </Stack>
    </Radio.Group>
  );
}
