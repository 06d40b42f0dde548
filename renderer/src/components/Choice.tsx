import { SegmentedControl } from '@mantine/core';

/** One of a few options side by side, typed by its values (no cast at each use). */
export function Choice<V extends string>(props: { value: V; onChange: (value: V) => void; options: readonly { value: V; label: string }[] }) {
  return <SegmentedControl value={props.value} onChange={(v) => props.onChange(v as V)} data={[...props.options]} />;
}
