import { useMemo } from 'react';
import { Group, Input, MultiSelect, Radio, SimpleGrid, Stack, TagsInput, Text, Textarea } from '@mantine/core';
import { AUTO_ASSIGN_WORDS } from '../../../../shared/domain/policy-words';
import { AutoAssign } from '../../../../shared/domain/policies';
import { Choice } from '../../components/Choice';
import { useAppStore } from '../../stores/app.store';
import { useInstances } from '../inventory/useInstances';
import type { SectionProps } from './GeneralSection';
import { EditorSection } from './EditorSection';
import { MembersPreview } from './MembersPreview';

const MONO = { input: { fontFamily: 'var(--mantine-font-family-monospace)' } };

/** Name patterns, one regular expression a line; a bad one is an error at this field. */
export function Patterns(props: SectionProps & { field: 'includeNames' | 'excludeNames'; label: string; description: string; placeholder: string }) {
  return (
    <Textarea
      label={props.label}
      description={props.description}
      placeholder={props.placeholder}
      autosize
      minRows={2}
      styles={MONO}
      value={props.draft[props.field]}
      onChange={(e) => props.set({ [props.field]: e.currentTarget.value })}
      error={props.errors[props.field]}
    />
  );
}

const TAG_MATCH = [
  { value: 'any', label: 'any of them' },
  { value: 'all', label: 'all of them' },
] as const;

/** A list of names (tags, projects …), each added with Enter; names the inventory knows are offered. */
export function Names(
  props: SectionProps & { field: 'tags' | 'projects' | 'domains' | 'availabilityZones'; label: string; description?: string; data?: string[] },
) {
  return (
    <TagsInput
      label={props.label}
      description={props.description}
      data={props.data}
      value={props.draft[props.field]}
      onChange={(v) => props.set({ [props.field]: v })}
      error={props.errors[props.field]}
      style={{ flex: 1 }}
    />
  );
}

/** Tag and project names the inventory knows, offered while typing (any other may be typed). */
export function useSuggestions() {
  const { data } = useInstances();
  return useMemo(() => {
    const tags = new Set<string>();
    const projects = new Set<string>();
    for (const i of data?.items ?? []) {
      for (const t of i.tags) tags.add(t);
      if (i.projectName) projects.add(i.projectName);
    }
    return { tags: [...tags].sort(), projects: [...projects].sort() };
  }, [data]);
}

/** Which instances the policy takes: rules by name, tag, project, domain, zone and cloud, how they assign, and what they match now. */
export function MembersSection({ draft, set, errors, policyId }: SectionProps & { policyId: string | undefined }) {
  const providers = useAppStore((s) => s.providers);
  const suggest = useSuggestions();
  const section = { draft, set, errors };
  return (
    <EditorSection
      id="members"
      title="Members"
      description="Instances are added by hand (Inventory → an instance → Add to policy…) or by these rules. Every rule given must hold; an instance belongs to one policy at most."
    >
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
        <Stack gap="sm">
          <Group grow align="start">
            <Patterns
              field="includeNames"
              label="Names to include"
              description="Regular expressions, one a line; an instance matching any of them"
              placeholder="^web-"
              {...section}
            />
            <Patterns
              field="excludeNames"
              label="Names to exclude"
              description="An instance matching any of these is left out"
              placeholder="-test$"
              {...section}
            />
          </Group>
          <Group align="end" wrap="nowrap">
            <Names field="tags" label="Tags" description="Nova tags; press Enter after each" data={suggest.tags} {...section} />
            <Choice value={draft.tagMatch} onChange={(tagMatch) => set({ tagMatch })} options={TAG_MATCH} />
          </Group>
          <Group grow align="start">
            <Names field="projects" label="Projects" description="Names or ids" data={suggest.projects} {...section} />
            <Names field="domains" label="Domains" description="Names or ids" {...section} />
          </Group>
          <Group grow align="start">
            <Names field="availabilityZones" label="Availability zones" {...section} />
            <MultiSelect
              label="Clouds"
              placeholder={draft.providerIds.length ? undefined : 'every cloud'}
              data={providers.map((p) => ({ value: p.id, label: p.name }))}
              value={draft.providerIds}
              onChange={(providerIds) => set({ providerIds })}
              error={errors.providerIds}
            />
          </Group>
          <Radio.Group
            label="Auto-assign"
            value={draft.autoAssign}
            onChange={(v) => set({ autoAssign: AutoAssign.parse(v) })}
            description="What each inventory sync does with the rules"
          >
            <Stack gap={6} mt={6}>
              {AutoAssign.options.map((mode) => (
                <Radio key={mode} value={mode} label={AUTO_ASSIGN_WORDS[mode].label} description={AUTO_ASSIGN_WORDS[mode].explain} />
              ))}
            </Stack>
          </Radio.Group>
        </Stack>
        <Stack gap={4}>
          <Input.Label>Preview</Input.Label>
          <Text size="xs" c="dimmed">
            What these rules match in the inventory now, before anything is saved.
          </Text>
          <MembersPreview draft={draft} policyId={policyId} />
        </Stack>
      </SimpleGrid>
    </EditorSection>
  );
}
