import { Group, PasswordInput, Select, Stack, TextInput } from '@mantine/core';

/** A text field of a form, declared as data: the form lists its fields instead of writing each input out. */
export interface FieldSpec<K extends string> {
  key: K;
  label: string;
  description?: string;
  placeholder?: string;
  required?: boolean;
  /** masked (passwords) */
  secret?: boolean;
  autoComplete?: string;
  /** a choice among these values instead of free text */
  options?: readonly string[];
}

/** A field alone on its line, or several side by side. */
export type FieldRow<K extends string> = FieldSpec<K> | FieldSpec<K>[];

function Field<K extends string>({ spec, value, onChange }: { spec: FieldSpec<K>; value: string; onChange: (key: K, value: string) => void }) {
  const common = { label: spec.label, description: spec.description, placeholder: spec.placeholder, required: spec.required };
  if (spec.options) {
    return <Select {...common} data={[...spec.options]} value={value} onChange={(v) => v !== null && onChange(spec.key, v)} allowDeselect={false} />;
  }
  const Input = spec.secret ? PasswordInput : TextInput;
  return <Input {...common} value={value} autoComplete={spec.autoComplete} onChange={(e) => onChange(spec.key, e.currentTarget.value)} />;
}

export function FormFields<K extends string>(props: { rows: FieldRow<K>[]; values: Record<K, string>; onChange: (key: K, value: string) => void }) {
  return (
    <Stack gap="sm">
      {props.rows.map((row) =>
        Array.isArray(row) ? (
          <Group key={row.map((f) => f.key).join()} grow align="start">
            {row.map((f) => (
              <Field key={f.key} spec={f} value={props.values[f.key]} onChange={props.onChange} />
            ))}
          </Group>
        ) : (
          <Field key={row.key} spec={row} value={props.values[row.key]} onChange={props.onChange} />
        ),
      )}
    </Stack>
  );
}
