import { useEffect, type ReactNode } from 'react';
import { Group, TextInput, Title } from '@mantine/core';
import { IconSearch } from '@tabler/icons-react';

export interface PageSearch {
  value: string;
  onChange: (value: string) => void;
  placeholder: string;
  /** the accessible name, e.g. "Search instances" */
  label: string;
  width?: number;
}

/**
 * Every page's title, with its search box and page actions on the right. The title is the page's
 * only h1 and names the window or tab ("Clouds — Backstack").
 */
export function PageHeader(props: { title: string; search?: PageSearch; children?: ReactNode }) {
  const s = props.search;
  useEffect(() => {
    document.title = `${props.title} — Backstack`;
  }, [props.title]);
  return (
    <Group justify="space-between">
      <Title order={1} size="h2">
        {props.title}
      </Title>
      {(s || props.children) && (
        <Group>
          {s && (
            <TextInput
              placeholder={s.placeholder}
              leftSection={<IconSearch size={16} />}
              value={s.value}
              onChange={(e) => s.onChange(e.currentTarget.value)}
              aria-label={s.label}
              w={s.width}
            />
          )}
          {props.children}
        </Group>
      )}
    </Group>
  );
}
