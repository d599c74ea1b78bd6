import type { Provider } from "../bindings";

interface Props {
  providers: Provider[];
  value: string;
  onChange: (name: string) => void;
  testId: string;
  disabled?: boolean;
  /** A first choice meaning "none", with this label. */
  none?: string;
}

/** A provider, picked by name. */
export function ProviderSelect({ providers, value, onChange, testId, disabled, none }: Props) {
  return (
    <select data-testid={testId} value={value} disabled={disabled} onChange={(e) => onChange(e.target.value)}>
      {none !== undefined && <option value="">{none}</option>}
      {providers.map((p) => (
        <option key={p.id} value={p.name}>
          {p.name}
        </option>
      ))}
    </select>
  );
}
